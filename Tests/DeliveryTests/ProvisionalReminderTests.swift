import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

@testable import Delivery

/// From the recorder to a chat receiver: a reminder of a deadline that rests on an estimated
/// calendar year tells the people who read it that the day may still move.
@Suite(.serialized) struct ProvisionalReminderTests {
    @Test func aReminderOfAProvisionalDeadlineSaysItIsProvisional() async throws {
        let h = try await Harness(obligation: false)
        let server = try await Platform.slack(path: "/services/T1/B1/P1", clock: h.clock)
        try h.credential("sl", server.url("/services/T1/B1/P1"))
        let config = Embedded.configuration
        // 2027 has no official calendar in the defaults: 2027-03-08 + 5wd = 2027-03-15, provisional.
        let created = try Instant(parsing: "2026-11-23T00:00:00Z")
        let o = try await h.store.transaction(config: config, now: created, actor: "test") { r in
            try r.addCustom(
                entityId: "acme", title: "Renew the filing", start: .day(try CivilDate(parsing: "2027-03-08")),
                period: try Period(parsing: "+5wd"), roll: nil)
        }
        #expect(o.due.description == "2027-03-15")
        #expect(o.provisional)
        // The due-day stage: 2027-03-15 09:00 in Asia/Shanghai.
        let stage = try Instant(parsing: "2027-03-15T01:00:00Z")
        let (sent, _, _) = try await h.store.transaction(config: config, now: stage, actor: "scheduler") { r in
            try r.fireReminders()
        }
        #expect(sent == 1)

        let d = try h.start(receivers: #"[{"name": "sl", "format": "slack"}]"#)
        // Two notifications: the obligation opened, then the reminder (Slack's burst of 2 takes both).
        try await eventually("both delivered") {
            try await deliveries(h.store, receiver: "sl").filter { $0.status == .delivered }.count == 2
        }
        let texts = server.requests.map(\.bodyText)
        let reminder = try #require(
            texts.first { $0.contains("Renew the filing") && $0.contains("2027-03-15") && !$0.contains("New obligation for") })
        #expect(reminder.contains("Provisional: the due day rests on an estimated holiday calendar"), "\(reminder)")
        await d.stop()
        await server.stop()
    }
}
