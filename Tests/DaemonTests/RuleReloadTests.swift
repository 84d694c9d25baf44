import Foundation
import TestSupport
import Testing

/// A reload with a changed rule pack re-derives the obligations of the rules that changed from the
/// facts already recorded: moved ones are audited and notified once, closed ones stay, a new rule
/// opens obligations for earlier facts, and unchanged rules are left alone.
@Suite(.serialized) struct RuleReloadTests {
    func obligations(_ d: DaemonProcess) async throws -> [[String: Any]] {
        let (_, list) = try await d.request("GET", "/v1/obligations?entity=r&status=all")
        return list as? [[String: Any]] ?? []
    }

    /// A daemon whose configuration directory holds a copy of the rule pack, which the test then edits.
    func daemonWithEditablePack(_ name: String, calendars: Bool = false) async throws -> (DaemonProcess, URL, Data) {
        let conf = try makeTemporaryDirectory("obligd-\(name)")
        try FileManager.default.createDirectory(at: conf.appendingPathComponent("rules"), withIntermediateDirectories: true)
        if calendars {
            try FileManager.default.createDirectory(at: conf.appendingPathComponent("calendars/cn"), withIntermediateDirectories: true)
        }
        let packURL = conf.appendingPathComponent("rules/cn.json")
        let original = try Data(contentsOf: repositoryRoot().appendingPathComponent("config/rules/cn.json"))
        try original.write(to: packURL)
        let d = try DaemonProcess(configDirectory: conf.path)
        try await d.start()
        return (d, packURL, original)
    }

    @Test func aChangedRulePackMovesOpenObligationsOnceAndANewRuleOpensObligationsForEarlierFacts() async throws {
        let (d, packURL, original) = try await daemonWithEditablePack("rules")
        defer { d.signal(SIGKILL) }

        _ = try await d.request("POST", "/v1/entities", json: ["id": "r", "name": "R"])
        // 2026-02-10 + 30wd = 2026-03-30.
        let (s1, _) = try await d.request(
            "POST", "/v1/metrics", json: ["entity": "r", "metric": "facial_recognition_individuals", "value": 120_000, "at": "2026-02-10"])
        #expect(s1 == 201)
        // 2026-03-03 + 2mo = Sun 2026-05-03, after Labour Day 05-01..05-05: 2026-05-06. Twice; the second is done.
        _ = try await d.request(
            "POST", "/v1/events", json: ["entity": "r", "kind": "important_data_notified", "at": "2026-03-03", "ref": "first"])
        let (_, second) = try await d.request(
            "POST", "/v1/events", json: ["entity": "r", "kind": "important_data_notified", "at": "2026-03-03", "ref": "second"])
        let doneId = (((second as? [String: Any])?["opened"] as? [[String: Any]])?.first?["id"] as? Int) ?? -1
        let (s2, _) = try await d.request("POST", "/v1/obligations/\(doneId)/done", json: ["date": "2026-04-01"])
        #expect(s2 == 200)
        let before = try await obligations(d)
        #expect(before.count == 3)

        // The pack changes: important data +2mo -> +3mo, facial recognition +30wd -> +20wd, and a new
        // rule on important_data_notified (+10wd).
        var pack = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        var rules = pack["rules"] as! [[String: Any]]
        for i in rules.indices {
            if rules[i]["id"] as? String == "cn.important-data.assessment" { rules[i]["period"] = "+3mo" }
            if rules[i]["id"] as? String == "cn.facial-recognition.filing" { rules[i]["period"] = "+20wd" }
        }
        rules.append([
            "id": "cn.test.important-data-notice",
            "title": ["en": "Acknowledge the important-data notice", "zh-CN": "确认重要数据通知"], "kind": "deadline",
            "trigger": ["event": "important_data_notified"], "period": "+10wd", "addressee": ["en": "internal", "zh-CN": "内部"],
            "citation": ["en": "test rule", "zh-CN": "测试规则"]
        ])
        pack["rules"] = rules
        try JSONSerialization.data(withJSONObject: pack).write(to: packURL)

        let (s3, body) = try await d.request("POST", "/v1/reload", json: [:])
        #expect(s3 == 200, "\(body ?? "")")
        let after = try await obligations(d)
        func due(_ rule: String, status: String) -> [String] {
            after.filter { $0["rule"] as? String == rule && $0["status"] as? String == status }.compactMap { $0["due"] as? String }.sorted()
        }
        #expect(due("cn.facial-recognition.filing", status: "open") == ["2026-03-16"])
        #expect(due("cn.important-data.assessment", status: "open") == ["2026-06-03"])
        #expect(due("cn.important-data.assessment", status: "done") == ["2026-05-06"], "a closed obligation was moved")
        #expect(
            due("cn.test.important-data-notice", status: "open") == ["2026-03-17", "2026-03-17"],
            "the new rule did not apply to both earlier events")

        // A second reload of the same files changes nothing more.
        let (s4, _) = try await d.request("POST", "/v1/reload", json: [:])
        #expect(s4 == 200)

        let moves = try await d.audit("obligation.moved").map { $0.note ?? "" }
        #expect(
            moves.sorted() == [
                "moved from 2026-03-30 to 2026-03-16: rule cn.facial-recognition.filing changed: period +30wd -> +20wd",
                "moved from 2026-05-06 to 2026-06-03: rule cn.important-data.assessment changed: period +2mo -> +3mo"
            ])
        let counts = Dictionary(try await d.outbox().map { ($0.kind, 1) }, uniquingKeysWith: +)
        #expect(counts["obligation.moved"] == 2)
        #expect(counts["obligation.opened"] == 3 + 2)
    }

    @Test func changesMadeWhileStoppedAreAppliedAtStartOnce() async throws {
        let (d, packURL, original) = try await daemonWithEditablePack("stopped", calendars: true)
        let conf = packURL.deletingLastPathComponent().deletingLastPathComponent()
        _ = try await d.request("POST", "/v1/entities", json: ["id": "r", "name": "R"])
        // On the 2027 estimate: 2027-03-03 + 2mo = Mon 2027-05-03, provisional.
        _ = try await d.request("POST", "/v1/events", json: ["entity": "r", "kind": "important_data_notified", "at": "2027-03-03"])
        #expect(try await obligations(d).first?["due"] as? String == "2027-05-03")
        try await d.stop()

        // While obligd is stopped: the 2027 notice arrives (Labour Day 05-01..05-05) and the rule's period changes.
        try #"""
        {"region":"cn","year":2027,"version":1,"notice":{"title":"test notice 2027","published":"2026-11-01"},
         "holidays":[{"name":"Labour Day","from":"2027-05-01","to":"2027-05-05","makeUpDays":[]}]}
        """#.write(to: conf.appendingPathComponent("calendars/cn/2027.json"), atomically: true, encoding: .utf8)
        var pack = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        pack["rules"] = (pack["rules"] as! [[String: Any]]).map { r in
            var r = r
            if r["id"] as? String == "cn.important-data.assessment" { r["period"] = "+3mo" }
            return r
        }
        try JSONSerialization.data(withJSONObject: pack).write(to: packURL)

        try await d.start()
        if !DaemonBackend.isSQLite {
            // A cluster node answers before it leads; the leader applies the changes when it takes over.
            try await eventually("the leader applied the changes") { try await obligations(d).first?["due"] as? String == "2027-06-03" }
        }
        let o = try #require(try await obligations(d).first)
        #expect(o["due"] as? String == "2027-06-03")
        #expect(o["provisional"] as? Bool == false)
        // A second start with nothing changed does nothing.
        try await d.stop()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let moves = try await d.audit("obligation.moved").map { "\($0.actor): \($0.note ?? "")" }
        // On PostgreSQL the leader applies them when it takes over, and says so.
        let actor = DaemonBackend.isSQLite ? "start" : "takeover"
        #expect(
            moves == [
                "\(actor): moved from 2027-05-03 to 2027-05-06: calendar cn/2027 v1 published",
                "\(actor): moved from 2027-05-06 to 2027-06-03: rule cn.important-data.assessment changed while obligd was stopped"
            ])
    }

    /// A raised threshold and a removed rule: the open obligations the facts no longer give are flagged
    /// once (audit and notification) and left open; closed ones and those still given are untouched.
    @Test func obligationsARuleChangeNoLongerGivesAreFlaggedOnceAndLeftOpen() async throws {
        let (d, packURL, original) = try await daemonWithEditablePack("underived")
        defer { d.signal(SIGKILL) }

        var ids: [String: Int] = [:]
        for (entity, value) in [("small", 120_000), ("closed", 120_000), ("large", 250_000)] {
            _ = try await d.request("POST", "/v1/entities", json: ["id": entity, "name": entity])
            let (_, r) = try await d.request(
                "POST", "/v1/metrics",
                json: ["entity": entity, "metric": "facial_recognition_individuals", "value": value, "at": "2026-02-10"])
            ids[entity] = (((r as? [String: Any])?["opened"] as? [[String: Any]])?.first?["id"] as? Int) ?? -1
        }
        let (s0, _) = try await d.request("POST", "/v1/obligations/\(ids["closed"]!)/done", json: ["date": "2026-03-01"])
        #expect(s0 == 200)
        let (_, ev) = try await d.request(
            "POST", "/v1/events", json: ["entity": "small", "kind": "important_data_notified", "at": "2026-03-03"])
        let assessment = (((ev as? [String: Any])?["opened"] as? [[String: Any]])?.first?["id"] as? Int) ?? -1

        // The threshold rises to 200,000 and the important-data rule is removed.
        var pack = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        var rules = (pack["rules"] as! [[String: Any]]).filter { $0["id"] as? String != "cn.important-data.assessment" }
        for i in rules.indices where rules[i]["id"] as? String == "cn.facial-recognition.filing" {
            rules[i]["trigger"] = [
                "metric": "facial_recognition_individuals",
                "conditions": [["op": ">=", "value": 200_000, "basis": "test: a raised threshold"]]
            ]
        }
        pack["rules"] = rules
        try JSONSerialization.data(withJSONObject: pack).write(to: packURL)

        let (s1, body) = try await d.request("POST", "/v1/reload", json: [:])
        #expect(s1 == 200, "\(body ?? "")")
        #expect(
            ((body as? [String: Any])?["status"] as? String)?.contains("2 open obligations no longer given by the facts") == true,
            "\(body ?? "")")
        let (s2, _) = try await d.request("POST", "/v1/reload", json: [:])
        #expect(s2 == 200)

        let flagged = try await d.audit("obligation.underived").map { ($0.subject, $0.note ?? "") }
        #expect(flagged.map(\.0).sorted() == ["obligation:\(ids["small"]!)", "obligation:\(assessment)"].sorted())
        #expect(
            flagged.first { $0.0 == "obligation:\(assessment)" }?.1.hasPrefix(
                "rule cn.important-data.assessment removed from the configuration; the recorded facts no longer give this obligation")
                == true)
        #expect(flagged.first { $0.0 == "obligation:\(ids["small"]!)" }?.1.hasPrefix("rule cn.facial-recognition.filing changed") == true)
        let notified = try await d.outbox().filter { $0.kind == "obligation.underived" }.compactMap { $0.obligation.map(Int.init) }
            .sorted()
        #expect(notified == [ids["small"]!, assessment].sorted())
        // Left open, with their due days; the closed one and the one still given are untouched.
        let (_, list) = try await d.request("GET", "/v1/obligations?status=all")
        let status = Dictionary(
            uniqueKeysWithValues: ((list as? [[String: Any]]) ?? []).map { ($0["id"] as! Int, $0["status"] as! String) })
        #expect(status[ids["small"]!] == "open" && status[assessment] == "open")
        #expect(status[ids["closed"]!] == "done" && status[ids["large"]!] == "open")
    }

    /// The follow-up a recurring rule opened when an obligation was done is re-derived from its
    /// predecessor's due day when the recurrence changes, and flagged (not closed) when it stops.
    @Test func recurrenceFollowUpsMoveWithTheRuleAndAreFlaggedWhenItStopsRecurring() async throws {
        let (d, packURL, original) = try await daemonWithEditablePack("recurrence")
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "r", "name": "R"])
        // 2025-03-03 + 1y = Tue 2026-03-03; done; the follow-up runs 2026-03-03 + 1y = Wed 2027-03-03.
        let (_, ev) = try await d.request(
            "POST", "/v1/events", json: ["entity": "r", "kind": "mlps_system_registered", "at": "2025-03-03", "attributes": ["level": "3"]])
        let first = try #require(((ev as? [String: Any])?["opened"] as? [[String: Any]])?.first)
        #expect(first["due"] as? String == "2026-03-03")
        let (s0, _) = try await d.request("POST", "/v1/obligations/\(first["id"] as! Int)/done", json: ["date": "2026-02-20"])
        #expect(s0 == 200)
        func followUp() async throws -> [String: Any]? {
            try await obligations(d).first {
                $0["id"] as? Int != first["id"] as? Int && $0["rule"] as? String == "cn.mlps.annual-assessment"
            }
        }
        #expect(try await followUp()?["due"] as? String == "2027-03-03")

        func write(recurrence: String?) throws {
            var pack = try JSONSerialization.jsonObject(with: original) as! [String: Any]
            pack["rules"] = (pack["rules"] as! [[String: Any]]).map { r in
                var r = r
                if r["id"] as? String == "cn.mlps.annual-assessment" { r["recurrence"] = recurrence }
                return r
            }
            try JSONSerialization.data(withJSONObject: pack).write(to: packURL)
        }
        try write(recurrence: "+6mo")
        #expect(try await d.request("POST", "/v1/reload", json: [:]).0 == 200)
        let moved = try #require(try await followUp())
        #expect(moved["due"] as? String == "2026-09-03")
        #expect(moved["status"] as? String == "open")

        try write(recurrence: nil)
        #expect(try await d.request("POST", "/v1/reload", json: [:]).0 == 200)
        #expect(try await followUp()?["status"] as? String == "open")
        #expect(try await followUp()?["due"] as? String == "2026-09-03")

        let subject = "obligation:\(moved["id"] as! Int)"
        let trail = try await d.auditTrail()
            .filter { $0.subject == subject && ["obligation.moved", "obligation.underived"].contains($0.action) }
            .map { "\($0.action): \($0.note ?? "")" }
        #expect(trail.count == 2)
        #expect(
            trail.first
                == "obligation.moved: moved from 2027-03-03 to 2026-09-03: rule cn.mlps.annual-assessment changed: recurrence +1y -> +6mo")
        #expect(
            trail.last?.hasPrefix("obligation.underived: rule cn.mlps.annual-assessment changed: recurrence +6mo -> none") == true,
            "\(trail)")
    }
}
