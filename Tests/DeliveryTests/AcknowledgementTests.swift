import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

@testable import Delivery

/// `obligctl ack`: who has taken an obligation, audited; its reminders are reduced while it holds
/// (only the last before-stage, overdue at most daily), and the due reminder always goes.
@Suite(.serialized) struct AcknowledgementTests {
    func i(_ s: String) -> Instant { try! Instant(parsing: s) }

    /// An incident-like custom obligation due at 2026-12-01T02:00Z, reminded 1 h and 10 min before,
    /// at the instant, then every 5 minutes (backing off after an hour).
    func setUp() async throws -> (Harness, Rules.Configuration, Int64) {
        let h = try await Harness(obligation: false)
        let dir = try TempDir()
        _ = try dir.write("obligd.json", #"{"reminders": {"entities": {"acme": {"before": ["-1h", "-10min"], "overdueEvery": "+5min"}}}}"#)
        let config = try Configuration.load(directory: dir.path)
        let id = try await h.store.transaction(config: config, now: i("2026-11-30T00:00:00Z"), actor: "test") { r in
            try r.addCustom(
                entityId: "acme", title: "Report the incident", start: .instant(i("2026-12-01T00:00:00Z")),
                period: try Period(parsing: "+2h"), roll: nil
            ).id!
        }
        return (h, config, id)
    }

    func fire(_ h: Harness, _ config: Rules.Configuration, at t: String) async throws -> Int {
        try await h.store.transaction(config: config, now: i(t), actor: "scheduler") { r in try r.fireReminders().sent }
    }

    @Test func anAcknowledgedObligationGetsFewerRemindersButAlwaysItsDueOne() async throws {
        let (h, config, id) = try await setUp()
        let (_, ack) = try await h.store.transaction(config: config, now: i("2026-11-30T00:10:00Z"), actor: "alice") { r in
            try r.acknowledge(id, note: "Li Wei reports it", until: nil)
        }
        #expect(ack.actor == "alice" && ack.note == "Li Wei reports it" && ack.until == nil)
        #expect(try await h.audit("obligation.acknowledged").map(\.actor) == ["alice"])
        #expect(try await fire(h, config, at: "2026-12-01T01:00:00Z") == 0, "the -1h stage is not the last before-stage: skipped")
        #expect(try await fire(h, config, at: "2026-12-01T01:50:00Z") == 1, "the last before-stage goes")
        #expect(try await fire(h, config, at: "2026-12-01T02:00:00Z") == 1, "the due reminder goes")
        #expect(try await fire(h, config, at: "2026-12-01T02:05:00Z") == 0, "overdue within a day of the last reminder: skipped")
        #expect(try await fire(h, config, at: "2026-12-01T02:10:00Z") == 0)
        #expect(try await fire(h, config, at: "2026-12-02T02:05:00Z") == 1, "a day later it is reminded again")

        // Unacknowledged, the same stages all go.
        let (h2, config2, _) = try await setUp()
        for t in ["2026-12-01T01:00:00Z", "2026-12-01T01:50:00Z", "2026-12-01T02:00:00Z", "2026-12-01T02:05:00Z", "2026-12-01T02:10:00Z"] {
            #expect(try await fire(h2, config2, at: t) == 1, "\(t)")
        }
    }

    @Test func anAcknowledgementNeedsANoteAnOpenObligationAndAFutureDayAndEndsWithIt() async throws {
        let (h, config, id) = try await setUp()
        let at = i("2026-11-30T00:10:00Z")
        func asAlice<T: Sendable>(_ body: @Sendable @escaping (Recorder) throws -> T) async throws -> T {
            try await h.store.transaction(config: config, now: at, actor: "alice", body)
        }
        await #expect(throws: StoreError.self) { try await asAlice { r in _ = try r.acknowledge(id, note: " ", until: nil) } }
        await #expect(throws: StoreError.self) {
            try await asAlice { r in _ = try r.acknowledge(id, note: "x", until: try CivilDate(parsing: "2026-11-29")) }
        }
        let until = try CivilDate(parsing: "2026-12-01")
        _ = try await asAlice { r in try r.acknowledge(id, note: "mine", until: until) }
        #expect(try await fire(h, config, at: "2026-12-01T01:00:00Z") == 0, "on its last day it still holds")
        _ = try await asAlice { r in try r.close(id, as: .done, on: nil, note: "filed") }
        let held = try await h.store.snapshot(config: config, now: at) { r in try r.acknowledgements(of: [id]) }
        #expect(held.isEmpty, "closing ends it")
        await #expect(throws: StoreError.conflict("obligation \(id) is done, not open: nothing to acknowledge")) {
            try await asAlice { r in _ = try r.acknowledge(id, note: "x", until: nil) }
        }
    }
}
