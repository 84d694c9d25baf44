import DeadlineKit
import Foundation
import Logging
import Rules
import Scheduler
import Store
import TestSupport
import Testing

/// A recurring obligation (the annual MLPS assessment) opens its successor when it is done or falls
/// due, whichever comes first, exactly once (`../shared/legal/periods-and-calendars.md`, MLPS row).
struct RecurrenceTests {
    let config = Embedded.configuration
    func i(_ s: String) -> Instant { try! Instant(parsing: s) }

    func register(_ store: ObligationStore, at day: String, now: Instant) async throws -> Int64 {
        let config = self.config
        return try await store.transaction(config: config, now: now, actor: "test") { r in
            _ = try r.addEntity(id: "m", name: "M", zone: nil, region: nil, owner: nil, labels: [:])
            let outcome = try r.addEvent(
                entityId: "m", kind: "mlps_system_registered", at: .day(try CivilDate(parsing: day)), ref: nil,
                attributes: ["level": "3"])
            return outcome.opened[0].id!
        }
    }

    func mlps(_ store: ObligationStore) async throws -> [(due: String, status: String, trigger: String)] {
        let config = self.config
        return try await store.snapshot(config: config, now: i("2030-01-01T00:00:00Z")) { r in
            try r.obligations(matching: .init(entity: "m", status: nil)).filter { $0.ruleId == "cn.mlps.annual-assessment" }
        }
        .sorted { $0.due < $1.due }.map { ($0.due.description, $0.status.rawValue, $0.triggerKey.description) }
    }

    func scheduler(_ store: ObligationStore, _ clock: ManualClock) -> ReminderScheduler {
        let config = self.config
        return ReminderScheduler(store: store, configuration: { config }, clock: clock, logger: Logger(label: "test"))
    }

    @Test func fallingDueOpensTheNextOnceAndDoneLaterOpensNothing() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2025-03-10T02:00:00Z"))
        let first = try await register(store, at: "2025-03-10", now: clock.now())
        let s = scheduler(store, clock)
        // Due 2026-03-10 ends at midnight Shanghai time: the scheduler wakes then, not before.
        let dueEnd = i("2026-03-10T16:00:00Z")
        #expect(try await s.nextReminder()! <= dueEnd)
        clock.set(i("2026-03-10T15:59:59Z"))
        _ = try await s.fireDue()
        #expect(try await mlps(store).count == 1, "not before it falls due")
        clock.set(dueEnd)
        _ = try await s.fireDue()
        let after = try await mlps(store)
        #expect(after.map(\.due) == ["2026-03-10", "2027-03-10"])
        #expect(after.map(\.status) == ["open", "open"])
        #expect(after[1].trigger == "recurrence:\(first)")
        // Done later opens nothing more and says so.
        let config = self.config
        let now: Instant = clock.now()
        let successor = try await store.transaction(config: config, now: now, actor: "t") { r in
            try r.close(first, as: .done, on: nil, note: "assessed").successor
        }
        #expect(successor == nil)
        #expect(try await mlps(store).count == 2)
    }

    @Test func doneFirstOpensTheNextAndFallingDueLaterDoesNot() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2025-03-10T02:00:00Z"))
        let first = try await register(store, at: "2025-03-10", now: clock.now())
        clock.set(i("2026-02-01T02:00:00Z"))
        let config = self.config
        let now: Instant = clock.now()
        let successor = try await store.transaction(config: config, now: now, actor: "t") { r in
            try r.close(first, as: .done, on: nil, note: "assessed").successor
        }
        #expect(successor?.due.description == "2027-03-10")
        clock.set(i("2026-03-11T00:00:00Z"))
        _ = try await scheduler(store, clock).fireDue()
        #expect(try await mlps(store).map(\.due) == ["2026-03-10", "2027-03-10"])
    }

    @Test func downtimeCatchesUpTheWholeChainOnce() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2024-01-15T02:00:00Z"))
        _ = try await register(store, at: "2024-01-15", now: clock.now())
        // Down until November 2026: the 2025 and 2026 assessments fell due meanwhile.
        clock.set(i("2026-11-24T02:00:00Z"))
        let s = scheduler(store, clock)
        _ = try await s.fireDue()
        let list = try await mlps(store)
        #expect(list.map(\.due) == ["2025-01-15", "2026-01-15", "2027-01-15"])
        #expect(try await s.nextReminder()! <= i("2027-01-15T16:00:00Z"))
    }
}
