import DeadlineKit
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Delivery
@testable import Rules
@testable import Store

/// A receiver's daily agenda: at its local time, once a day, what is overdue, what falls due within a
/// week and what moved since the last one.
@Suite(.serialized) struct AgendaTests {
    @Test func theAgendaGoesOnceADayAtItsLocalTime() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        // 08:59:30 UTC (32,370 s) tomorrow: the manual clock only goes forward from the real time.
        let tomorrow: Int64 = Int64(Date().timeIntervalSince1970) / 86_400 + 1
        let start: Int64 = tomorrow * 86_400 + 32_370
        let (today, plus1, plus2, plus3) = (day(start), day(start + 86_400), day(start + 2 * 86_400), day(start + 3 * 86_400))
        h.clock.advance(to: start * 1000)
        try await addObligations(h.store, 2...2)
        // No typed call moves a custom obligation to a day of the test's choosing and records why, so
        // this one state is still made in SQL (left for issue #35: a rule-derived obligation moved by
        // a backdated fact would do it through the API).
        try await h.store.write { db in
            // Obligation 1 is long overdue (the store factory's); 2 falls due in three days and moved an hour ago.
            try db.execute(sql: "UPDATE obligation SET due = ?, dueInstant = ? WHERE id = 2", arguments: [plus3, start + 3 * 86_400])
            var a = AuditEntry(
                at: start - 3600, actor: "reload", action: "obligation.moved", subject: "obligation:2", before: nil, after: nil,
                note: "moved from \(plus2) to \(plus3)")
            try a.insert(db)
        }
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        // Every day (restDays fire): this test is about the time of day, whatever day of the week it runs.
        let receivers = "[\(standardReceiver("r", server, extra: #", "agenda": {"at": "09:00", "zone": "UTC", "restDays": "fire"}"#))]"
        var d = try h.start(receivers: receivers)
        let t = try await step(h)
        #expect(t == (start + 30) * 1000, "at 09:00 UTC")
        try await eventually("the agenda") { accepted.all.count == 1 }
        let body = try #require(server.requests.last?.json)
        #expect(body["type"] as? String == "agenda")
        let data = try #require(body["data"] as? [String: Any])
        #expect((data["overdue"] as? [String: Any])?["count"] as? Int == 1)
        #expect((data["week"] as? [String: Any])?["count"] as? Int == 1)
        #expect((data["moved"] as? [String: Any])?["count"] as? Int == 1)
        let message = try #require(data["message"] as? [String: Any])
        #expect(message["title"] as? String == "Agenda \(today): 1 overdue, 1 due within 7 days, 1 moved")
        #expect("\(message["facts"] ?? "")".contains("#2 acme: Obligation 2, \(plus3)"))

        // A restart the same day sends no second agenda.
        await d.stop()
        h.clock.advance(by: 5 * 60_000)
        d = try h.start(receivers: receivers)
        try await eventually("asleep until tomorrow") { h.clock.earliestSleeper != nil }
        #expect(h.clock.earliestSleeper == (start + 30 + 86_400) * 1000)
        #expect(accepted.all.count == 1)
        // The next day, the next one.
        try await step(h)
        try await eventually("the second day's agenda") { accepted.all.count == 2 }
        #expect(((server.requests.last?.json?["data"] as? [String: Any])?["day"] as? String) == plus1)
        // One agenda queued per day (its ledger row and outbox row are written together).
        #expect(try await h.store.listOutbox(limit: 10_000).filter { $0.kind == "agenda" }.count == 2)
        await d.stop()
        await server.stop()
    }

    /// By default no agenda on a rest day of the calendar (the next working day's covers it), and a
    /// receiver's agenda lists only what its routes admit: a subsidiary's group never reads another's.
    @Test func theAgendaKeepsToWorkingDaysAndToItsRoutes() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        // 08:59:30 UTC on the first Saturday at least two days ahead that the calendar rests on.
        var first = Int64(Date().timeIntervalSince1970) / 86_400 + 2
        let cn = RestDayCalendar(calendar: try Embedded.configuration.calendar("cn"), moves: true)
        func civil(_ dayNumber: Int64) -> CivilDate { try! CivilDate(parsing: day(dayNumber * 86_400)) }
        while !(civil(first).isoWeekday == 6 && cn.isRest(civil(first)) && cn.isRest(civil(first + 1))) { first += 1 }
        let start = first * 86_400 + 32_370
        h.clock.advance(to: start * 1000)
        try await h.store.transaction(config: Embedded.configuration, now: setUpInstant, actor: "test") { r in
            _ = try r.addEntity(id: "globex", name: "Globex", zone: "Asia/Shanghai", region: "cn", owner: nil, labels: [:])
        }
        try await addObligations(h.store, 2...3, entity: "globex")
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let receivers = """
            [\(standardReceiver("globex-group", server, extra: #", "agenda": {"at": "09:00", "zone": "UTC"}, "routes": [{"entities": ["globex"]}]"#))]
            """
        let d = try h.start(receivers: receivers)
        #expect(try await step(h) == (start + 30) * 1000, "asleep until 09:00 Saturday")
        #expect(try await step(h) == (start + 30 + 86_400) * 1000, "no agenda on Saturday: asleep until Sunday")
        #expect(try await step(h) == (start + 30 + 2 * 86_400) * 1000, "none on Sunday either")
        try await eventually("Monday's agenda") { accepted.all.count == 1 }
        let data = try #require(server.requests.last?.json?["data"] as? [String: Any])
        #expect(data["day"] as? String == day(start + 2 * 86_400))
        #expect((data["overdue"] as? [String: Any])?["count"] as? Int == 2, "globex's two, not acme's obligation 1")
        #expect(!"\(data["message"] ?? "")".contains("acme"))
        await d.stop()
        await server.stop()
    }

    /// The UTC day of `seconds` since the epoch, as YYYY-MM-DD.
    func day(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601.year().month().day().dateSeparator(.dash))
    }
}
