import APIModel
import Daemon
import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

/// The HTTP API's contract (status codes, bodies, filters, errors naming a field), checked on the
/// router in process against a real store: no obligd process, no socket.
@Suite struct RouterTests {
    /// Facial data of 100,000 people reached on 2025-05-01, under the embedded rules: the clock starts
    /// when the rule takes effect, runs its period on the cn working-day calendar (ScenarioTests, end
    /// to end: 2025-07-14).
    static func facialDue() throws -> String {
        let config = Embedded.configuration
        let rule = try #require(config.rule("cn.facial-recognition.filing"))
        let reached = try CivilDate(parsing: "2025-05-01")
        let start = max(reached, try #require(rule.effective))
        return try config.calendar("cn").deadline(from: start, try #require(rule.period)).due.description
    }

    /// A report of `value` people's facial data for entity acme.
    static func facial(_ value: Int, at day: String) -> String {
        #"{"entity": "acme", "metric": "facial_recognition_individuals", "value": \#(value), "at": "\#(day)"}"#
    }

    @Test func entitiesAreCreatedListedAndFound() async throws {
        let api = try API()
        try await api.test { c in
            let created = try await c.post("/v1/entities", #"{"id": "acme", "name": "Acme Data Ltd", "labels": {"team": "privacy"}}"#)
            #expect(created.status == 201, "\(created)")
            let view = try created.decode(EntityView.self)
            #expect(view.id == "acme" && view.name == "Acme Data Ltd" && view.labels == ["team": "privacy"])
            #expect(view.zone == "Asia/Shanghai" && view.region == "cn", "defaults")
            try await c.entity("beta")

            let list = try await c.get("/v1/entities")
            #expect(list.status == 200)
            #expect(try list.decode([EntityView].self).map(\.id) == ["acme", "beta"])
            let one = try await c.get("/v1/entities/acme")
            #expect(one.status == 200)
            #expect(try one.decode(EntityView.self).name == "Acme Data Ltd")
            let missing = try await c.get("/v1/entities/nobody")
            #expect(missing.status == 404, "\(missing)")
            #expect((missing.object["error"] as? String)?.contains("nobody") == true)
        }
    }

    @Test func aMetricCrossingTheThresholdOpensTheObligationDueOnTheRuleDay() async throws {
        let api = try API()
        let due = try Self.facialDue()
        try await api.test { c in
            try await c.entity("acme")
            let below = try await c.fact("/v1/metrics", Self.facial(99_999, at: "2025-04-01"))
            #expect(below.isEmpty)
            #expect(try await c.obligations().isEmpty)
            let opened = try await c.fact("/v1/metrics", Self.facial(100_000, at: "2025-05-01"))
            #expect(opened.map(\.rule) == ["cn.facial-recognition.filing"])

            let list = try await c.obligations()
            #expect(list.count == 1)
            let o = try #require(list.first)
            #expect(o.rule == "cn.facial-recognition.filing" && o.entity == "acme" && o.status == .open)
            #expect(o.due == due)
            #expect(o.start == "2025-06-01", "reached before the rule took effect: the clock starts on the effective day")
            #expect(o.provisional == false)
            let one = try await c.get("/v1/obligations/\(o.id)")
            #expect(one.status == 200)
            #expect(try one.decode(ObligationView.self).due == due)
        }
    }

    @Test func unknownObligationsAreNotFoundAndBadIdsAreBadRequests() async throws {
        let api = try API()
        try await api.test { c in
            #expect(try await c.get("/v1/obligations/42").status == 404)
            #expect(try await c.get("/v1/obligations/42/history").status == 404)
            #expect(try await c.post("/v1/obligations/42/done").status == 404)
            let bad = try await c.get("/v1/obligations/abc")
            #expect(bad.status == 400 && bad.field == "id", "\(bad)")
        }
    }

    /// Three obligations, soonest due first: a custom one, open and overdue (due 2025-01-09); an
    /// important-data assessment, done (due 2025-05-06); the facial filing, open (due 2025-07-14).
    func seedThree(_ c: Client) async throws -> (custom: Int64, important: Int64, facial: Int64) {
        try await c.entity("acme")
        let custom = try await c.post(
            "/v1/obligations",
            #"{"entity": "acme", "title": "File the report", "start": "2025-01-02", "period": "+5wd"}"#)
        try #require(custom.status == 201, "\(custom)")
        let important = try await c.fact("/v1/events", #"{"entity": "acme", "kind": "important_data_notified", "at": "2025-03-03"}"#)
        let facial = try await c.fact("/v1/metrics", Self.facial(100_000, at: "2025-05-01"))
        let ids = (try custom.decode(ObligationView.self).id, try #require(important.first).id, try #require(facial.first).id)
        let done = try await c.post("/v1/obligations/\(ids.1)/done", #"{"date": "2025-05-02"}"#)
        try #require(done.status == 200, "\(done)")
        return ids
    }

    @Test func theListFiltersByStatusDueDayAndLimit() async throws {
        let api = try API()
        try await api.test { c in
            let ids = try await seedThree(c)
            let all = [ids.custom, ids.important, ids.facial]
            #expect(try await c.obligations().map(\.id) == all, "every status by default, soonest due first")
            #expect(try await c.obligations("?status=all").map(\.id) == all)
            #expect(try await c.obligations("?status=open").map(\.id) == [ids.custom, ids.facial])
            #expect(try await c.obligations("?status=done").map(\.id) == [ids.important])
            #expect(try await c.obligations("?status=waived").isEmpty)
            #expect(try await c.obligations("?status=all&dueBefore=2025-05-06").map(\.id) == [ids.custom])
            #expect(try await c.obligations("?status=all&dueBefore=2025-05-07").map(\.id) == [ids.custom, ids.important])
            #expect(try await c.obligations("?status=all&limit=2").map(\.id) == [ids.custom, ids.important])
            #expect(try await c.obligations("?status=open&limit=1").map(\.id) == [ids.custom])
            #expect(try await c.obligations("?status=open&dueBefore=2025-07-14").map(\.id) == [ids.custom])
            // An entity that does not exist is a 404, not an empty list that reads as "nothing due" (#14).
            let nobody = try await c.get("/v1/obligations?entity=nobody&status=all")
            #expect(nobody.status == 404 && nobody.object["error"] as? String == "entity 'nobody' not found", "\(nobody)")
        }
    }

    @Test(arguments: [
        ("?status=closed", "status"), ("?dueBefore=2025-02-30", "dueBefore"), ("?dueBefore=soon", "dueBefore"),
        ("?limit=0", "limit"), ("?limit=-3", "limit"), ("?limit=many", "limit")
    ])
    func badListQueriesAreBadRequestsNamingTheParameter(query: String, field: String) async throws {
        let api = try API()
        try await api.test { c in
            let r = try await c.get("/v1/obligations" + query)
            #expect(r.status == 400, "\(r)")
            #expect(r.field == field, "\(r)")
            #expect(r.object["fix"] is String, "an error says how to fix it: \(r)")
        }
    }

    @Test func explainSaysHowTheDueDayFollowsAndHistoryListsTheTrail() async throws {
        let api = try API()
        let due = try Self.facialDue()
        try await api.test { c in
            let ids = try await seedThree(c)
            let plain = try await c.get("/v1/obligations/\(ids.facial)")
            #expect(try plain.decode(ObligationView.self).explanation == nil)
            let explained = try await c.get("/v1/obligations/\(ids.facial)?explain=true")
            #expect(explained.status == 200)
            let lines = try #require(try explained.decode(ObligationView.self).explanation)
            #expect(lines.first?.hasPrefix("Rule cn.facial-recognition.filing: ") == true, "\(lines)")
            #expect(lines.contains("The trigger came before the rule took effect on 2025-06-01, so the clock starts then."), "\(lines)")
            #expect(lines.contains { $0.hasPrefix("Trigger: ") && $0.contains("start 2025-06-01; period +30wd") }, "\(lines)")
            #expect(lines.contains { $0.contains(due) }, "\(lines)")
            #expect(!lines.contains { $0.hasPrefix("NOTE:") }, "the configuration in force gives the stored day")

            let history = try await c.get("/v1/obligations/\(ids.important)/history")
            #expect(history.status == 200)
            let trail = try history.decode([AuditView].self)
            #expect(trail.map(\.action) == ["obligation.opened", "obligation.done"])
            #expect(trail.allSatisfy { $0.actor == "api" && $0.at == API.now.description })
        }
    }

    @Test func doneWaiveAndReopenChangeStatusOnceAndRefuseTheRest() async throws {
        let api = try API()
        try await api.test { c in
            let ids = try await seedThree(c)
            let id = ids.facial
            let done = try await c.post("/v1/obligations/\(id)/done", #"{"date": "2025-06-10", "note": "filed"}"#)
            #expect(done.status == 200, "\(done)")
            let doneView = try done.decode(ObligationView.self)
            #expect(doneView.status == .done && doneView.closedOn == "2025-06-10" && doneView.closedNote == "filed")
            let again = try await c.post("/v1/obligations/\(id)/done")
            #expect(again.status == 409, "\(again)")
            #expect(try await c.post("/v1/obligations/\(id)/waive", #"{"note": "not in scope"}"#).status == 409)

            let reopened = try await c.post("/v1/obligations/\(id)/reopen")
            #expect(reopened.status == 200, "\(reopened)")
            #expect(try reopened.decode(ObligationView.self).status == .open)
            #expect(try reopened.decode(ObligationView.self).closedOn == nil)
            #expect(try await c.post("/v1/obligations/\(id)/reopen").status == 409)

            for body in ["{}", #"{"note": "   "}"#] {
                let noReason = try await c.post("/v1/obligations/\(id)/waive", body)
                #expect(noReason.status == 400 && noReason.field == "note", "\(noReason)")
            }
            #expect(try await api.storedObligations().first { $0.id == id }?.status == .open, "a refused waiver writes nothing")
            let waived = try await c.post("/v1/obligations/\(id)/waive", #"{"note": "not in scope: no facial data stored"}"#)
            #expect(waived.status == 200, "\(waived)")
            #expect(try waived.decode(ObligationView.self).status == .waived)

            let trail = try await c.get("/v1/obligations/\(id)/history").decode([AuditView].self)
            #expect(trail.map(\.action) == ["obligation.opened", "obligation.done", "obligation.reopened", "obligation.waived"])
        }
    }

    @Test func anImportRecordsEveryRowOrNothing() async throws {
        let api = try API()
        try await api.test { c in
            try await c.entity("acme")
            let good = try await c.post(
                "/v1/import",
                """
                {"records": [
                  {"type": "metric", "entity": "acme", "metric": "facial_recognition_individuals", "value": 100000, "at": "2025-05-01"},
                  {"type": "event", "entity": "acme", "kind": "important_data_notified", "at": "2025-03-03"}
                ]}
                """)
            #expect(good.status == 201, "\(good)")
            let result = try good.decode(ImportResult.self)
            #expect(result.imported == 2 && result.opened == 2 && result.moved == 0)
            #expect(try await c.obligations("?status=all").count == 2)

            let bad = try await c.post(
                "/v1/import",
                """
                {"records": [
                  {"type": "event", "entity": "acme", "kind": "important_data_notified", "at": "2025-04-01"},
                  {"type": "event", "entity": "acme", "at": "2025-04-02"}
                ]}
                """)
            #expect(bad.status == 400, "\(bad)")
            #expect(bad.field == "records[1].kind", "\(bad)")
            #expect((bad.object["fix"] as? String)?.contains("nothing of this import was written") == true, "\(bad)")
            #expect(try await c.obligations("?status=all").count == 2, "the good first row was not written either")
            let unknownEntity = try await c.post(
                "/v1/import",
                #"{"records": [{"type": "metric", "entity": "nobody", "metric": "m", "value": 1}]}"#)
            #expect(unknownEntity.status == 400 && unknownEntity.field?.hasPrefix("records[0]") == true, "\(unknownEntity)")
        }
        #expect(try await api.storedObligations().count == 2)
    }

    @Test(arguments: [String(repeating: "k", count: 256), "", "a key"])
    func anIdempotencyKeyOfNoUseIsRefusedAndNothingIsWritten(key: String) async throws {
        try await (try API()).test { c in
            let r = try await c.post("/v1/entities", #"{"id": "acme", "name": "A"}"#, headers: ["Idempotency-Key": key])
            #expect(r.status == 400 && r.field == "Idempotency-Key", "\(r)")
            #expect((try await c.get("/v1/entities").json as? [Any])?.isEmpty == true, "nothing was written")
            let fine = try await c.post(
                "/v1/entities", #"{"id": "acme", "name": "A"}"#, headers: ["Idempotency-Key": String(key.prefix(255))])
            #expect(key.isEmpty || key.contains(" ") || fine.status == 201, "255 characters are a key: \(fine)")
        }
    }

    @Test func aRetriedRequestWithTheSameIdempotencyKeyIsAnsweredFromTheRecordAndWritesOnce() async throws {
        let api = try API()
        try await api.test { c in
            try await c.entity("acme")
            let body = #"{"entity": "acme", "kind": "important_data_notified", "at": "2025-03-03"}"#
            let first = try await c.post("/v1/events", body, headers: ["Idempotency-Key": "k-1"])
            #expect(first.status == 201, "\(first)")
            let retry = try await c.post("/v1/events", body, headers: ["Idempotency-Key": "k-1"])
            #expect(retry.status == 201)
            #expect(retry.body == first.body, "the same response, byte for byte")
            #expect(try await c.obligations().count == 1, "written once")

            let other = try await c.post(
                "/v1/events", #"{"entity": "acme", "kind": "important_data_notified", "at": "2025-04-01"}"#,
                headers: ["Idempotency-Key": "k-1"])
            #expect(other.status == 409, "\(other)")
            #expect((other.object["error"] as? String)?.contains("k-1") == true)
            // A body /done takes (the event's fields are unknown there, refused as such before the key).
            let elsewhere = try await c.post("/v1/obligations/1/done", #"{"note": "filed"}"#, headers: ["Idempotency-Key": "k-1"])
            #expect(elsewhere.status == 409, "the key is bound to method, path and body: \(elsewhere)")
            #expect(try await c.obligations("?status=all").count == 1)
            #expect(try await c.obligations("?status=all").first?.status == .open)

            // A new key is a new request: the same event again is recognised as recorded before (#14),
            // another one (its own ref) is recorded.
            let again = try await c.post("/v1/events", body, headers: ["Idempotency-Key": "k-2"])
            #expect(again.status == 201 && again.object["duplicate"] as? Bool == true, "\(again)")
            let otherRef = #"{"entity": "acme", "kind": "important_data_notified", "at": "2025-03-03", "ref": "N-2"}"#
            let fresh = try await c.post("/v1/events", otherRef, headers: ["Idempotency-Key": "k-3"])
            #expect(fresh.status == 201)
            #expect(try await c.obligations().count == 2, "a new key is a new request")
        }
    }

    @Test(arguments: [
        ("/v1/entities", #"{"id": "x", "name": "#, "body"),
        ("/v1/entities", #"{"id": "x"}"#, "name"),
        ("/v1/entities", #"{"id": 7, "name": "x"}"#, "id"),
        ("/v1/metrics", #"{"entity": "acme", "metric": "facial_recognition_individuals", "value": "many"}"#, "value"),
        ("/v1/import", #"{"records": [{"type": "metric", "entity": "acme"}]}"#, "records[0].metric"),
        ("/v1/import", #"{"records": [{"entity": "acme"}]}"#, "records[0].type")
    ])
    func malformedBodiesAreBadRequestsNamingTheField(path: String, body: String, field: String) async throws {
        let api = try API()
        try await api.test { c in
            try await c.entity("acme")
            let r = try await c.post(path, body)
            #expect(r.status == 400, "\(r)")
            #expect(r.field == field, "\(r)")
        }
        #expect(try await api.storedObligations().isEmpty)
    }

    @Test func healthCountsOpenAndOverdueObligationsAndNamesTheNext() async throws {
        let api = try API()
        let due = try Self.facialDue()
        try await api.test { c in
            let empty = try await c.get("/v1/health").decode(Health.self)
            #expect(empty.status == .ready && empty.openObligations == 0 && empty.overdue == 0 && empty.nextDue == nil)
            #expect(empty.rules == Embedded.configuration.rules.count && empty.version == APIServer.version)
            _ = try await seedThree(c)
            let r = try await c.get("/v1/health")
            #expect(r.status == 200)
            let h = try r.decode(Health.self)
            #expect(h.openObligations == 2, "the done one does not count")
            #expect(h.overdue == 1, "the custom one was due 2025-01-09, before \(API.now)")
            #expect(h.nextDue?.due == due && h.nextDue?.entity == "acme" && h.nextDue?.rule == "cn.facial-recognition.filing")
            #expect(h.receivers.isEmpty)
        }
    }
}
