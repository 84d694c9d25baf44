import DeadlineKit
import Foundation
import GRDB
import Rules
import TestSupport
import Testing

@testable import Delivery
@testable import Store

/// `obligctl ack`: who has taken an obligation, audited; its reminders are reduced while it holds
/// (only the last before-stage, overdue at most daily), and the due reminder always goes.
@Suite(.serialized) struct AcknowledgementTests {
    func i(_ s: String) -> Instant { try! Instant(parsing: s) }

    /// An incident-like custom obligation due at 2026-12-01T02:00Z, reminded 1 h and 10 min before,
    /// at the instant, then every 5 minutes (backing off after an hour).
    func setUp() throws -> (Harness, Rules.Configuration, Int64) {
        let h = try Harness()
        let dir = try TempDir()
        _ = try dir.write("obligd.json", #"{"reminders": {"entities": {"acme": {"before": ["-1h", "-10min"], "overdueEvery": "+5min"}}}}"#)
        let config = try Configuration.load(directory: dir.path)
        let id = try h.store.pool.write { db in
            try Recorder(db: db, config: config, now: i("2026-11-30T00:00:00Z"), actor: "test")
                .addCustom(
                    entityId: "acme", title: "Report the incident", start: .instant(i("2026-12-01T00:00:00Z")),
                    period: try Period(parsing: "+2h"), roll: nil
                ).id!
        }
        return (h, config, id)
    }

    func fire(_ h: Harness, _ config: Rules.Configuration, at t: String) throws -> Int {
        try h.store.pool.write { db in try Recorder(db: db, config: config, now: i(t), actor: "scheduler").fireReminders().sent }
    }

    @Test func anAcknowledgedObligationGetsFewerRemindersButAlwaysItsDueOne() throws {
        let (h, config, id) = try setUp()
        let (_, ack) = try h.store.pool.write { db in
            try Recorder(db: db, config: config, now: i("2026-11-30T00:10:00Z"), actor: "alice")
                .acknowledge(id, note: "Li Wei reports it", until: nil)
        }
        #expect(ack.actor == "alice" && ack.note == "Li Wei reports it" && ack.until == nil)
        #expect(try h.audit("obligation.acknowledged").map(\.actor) == ["alice"])
        #expect(try fire(h, config, at: "2026-12-01T01:00:00Z") == 0, "the -1h stage is not the last before-stage: skipped")
        #expect(try fire(h, config, at: "2026-12-01T01:50:00Z") == 1, "the last before-stage goes")
        #expect(try fire(h, config, at: "2026-12-01T02:00:00Z") == 1, "the due reminder goes")
        #expect(try fire(h, config, at: "2026-12-01T02:05:00Z") == 0, "overdue within a day of the last reminder: skipped")
        #expect(try fire(h, config, at: "2026-12-01T02:10:00Z") == 0)
        #expect(try fire(h, config, at: "2026-12-02T02:05:00Z") == 1, "a day later it is reminded again")

        // Unacknowledged, the same stages all go.
        let (h2, config2, _) = try setUp()
        for t in ["2026-12-01T01:00:00Z", "2026-12-01T01:50:00Z", "2026-12-01T02:00:00Z", "2026-12-01T02:05:00Z", "2026-12-01T02:10:00Z"] {
            #expect(try fire(h2, config2, at: t) == 1, "\(t)")
        }
    }

    @Test func anAcknowledgementNeedsANoteAnOpenObligationAndAFutureDayAndEndsWithIt() throws {
        let (h, config, id) = try setUp()
        let recorder = { (db: Database) in Recorder(db: db, config: config, now: self.i("2026-11-30T00:10:00Z"), actor: "alice") }
        #expect(throws: StoreError.self) { try h.store.pool.write { db in _ = try recorder(db).acknowledge(id, note: " ", until: nil) } }
        #expect(throws: StoreError.self) {
            try h.store.pool.write { db in _ = try recorder(db).acknowledge(id, note: "x", until: try CivilDate(parsing: "2026-11-29")) }
        }
        let until = try CivilDate(parsing: "2026-12-01")
        _ = try h.store.pool.write { db in try recorder(db).acknowledge(id, note: "mine", until: until) }
        #expect(try fire(h, config, at: "2026-12-01T01:00:00Z") == 0, "on its last day it still holds")
        _ = try h.store.pool.write { db in try recorder(db).close(id, as: .done, on: nil, note: "filed") }
        #expect(try h.store.pool.read { db in try Acknowledgement.fetchCount(db) } == 0, "closing ends it")
        #expect(throws: StoreError.conflict("obligation \(id) is done, not open: nothing to acknowledge")) {
            try h.store.pool.write { db in _ = try recorder(db).acknowledge(id, note: "x", until: nil) }
        }
    }
}
