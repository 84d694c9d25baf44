import DeadlineKit
import Foundation
import Logging
import Rules
import Scheduler
import Store
import TestSupport
import Testing

/// The scheduler against a real SQLite store, with a clock moved by hand.
struct SchedulerTests {
    /// The scheduler's mechanics (once, on time, catch-up, clock jumps) on the calendar-day stages of
    /// entity "s": -30d, -7d, -1d, due, then daily, on any day (`RestDays.fire`). The working-day plan
    /// itself is RulesTests' `RestDayPlanTests`, and `upgradeKeepsTheLedger` below.
    let config = {
        var c = Embedded.configuration
        c.reminders.entities["s"] = ReminderPolicy(
            before: [try! Period(parsing: "-30d"), try! Period(parsing: "-7d"), try! Period(parsing: "-1d")],
            dueDayAtMinutes: 9 * 60, overdueEvery: try! Period(parsing: "+1d"), restDays: .fire)
        return c
    }()

    func i(_ s: String) -> Instant { try! Instant(parsing: s) }

    /// An obligation due 2025-07-14 (Shanghai) with the default stages -30d, -7d, -1d, due, overdue daily.
    func seed(_ store: ObligationStore, now: Instant, count: Int = 1) async throws -> [Int64] {
        let config = self.config
        return try await store.transaction(config: config, now: now, actor: "test") { r in
            if try r.findEntity("s") == nil {
                _ = try r.addEntity(id: "s", name: "S", zone: nil, region: nil, owner: nil, labels: [:])
            }
            return try (0..<count).map { n in
                try r.addCustom(
                    entityId: "s", title: "t\(n)", start: .day(try CivilDate(parsing: "2025-06-01")), period: try Period(parsing: "+30wd"),
                    roll: nil
                ).id!
            }
        }
    }

    /// The reminders the scheduler queued, oldest first (no dispatcher runs here, so all are still
    /// undispatched), as the JSON payloads delivery will read.
    func reminders(_ store: ObligationStore) async throws -> [[String: Any]] {
        try await store.undispatchedOutbox(limit: 100_000).filter { $0.kind == NotificationKind.reminder.rawValue }
            .map { try JSONSerialization.jsonObject(with: Data($0.payload.utf8)) as! [String: Any] }
    }

    /// How many stages the reminder ledger holds for each of `ids`.
    func ledgerCounts(_ store: ObligationStore, _ ids: [Int64], now: Instant) async throws -> [Int64: Int] {
        let config = self.config
        return try await store.snapshot(config: config, now: now) { r in try r.ledger(ofAll: ids) }.mapValues(\.count)
    }

    func scheduler(_ store: ObligationStore, _ clock: ManualClock) -> ReminderScheduler {
        let config = self.config
        return ReminderScheduler(store: store, configuration: { config }, clock: clock, logger: Logger(label: "test"))
    }

    /// An upgrade from the calendar-day plan: the ledger keys are the ones obligd always wrote
    /// (`before:-30d@2026-02-24`), so a stage already sent is not sent again, and the open obligation is
    /// re-armed under the new plan at start, so no stage of the old plan fires on a holiday and none of
    /// the new is swallowed.
    @Test func upgradeKeepsTheLedgerAndReplansOnWorkingDays() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2026-01-01T00:00:00Z"))
        let old = config
        let pass = Recomputation(store: store, logger: Logger(label: "test"))
        // The database as obligd wrote it before: derived, with the calendar-day stages on any day.
        _ = try await pass.run(config: old, previous: nil, now: clock.now(), actor: "start")
        let id = try await store.transaction(config: old, now: clock.now(), actor: "test") { r in
            _ = try r.addEntity(id: "s", name: "S", zone: nil, region: nil, owner: nil, labels: [:])
            return try r.addCustom(
                entityId: "s", title: "assessment", start: .day(try CivilDate(parsing: "2025-12-24")), period: try Period(parsing: "+2mo"),
                roll: nil
            ).id!
        }
        let before = scheduler(store, clock)
        clock.set(i("2026-01-25T01:00:00Z"))  // Sunday 09:00 in Shanghai: the old -30d
        #expect(try await before.fireDue() == 1)
        #expect(try await before.nextReminder() == i("2026-02-17T01:00:00Z"), "the old -7d: the first day of Spring Festival")

        // The same stages, now moved off rest days: -30d is in the ledger under the same key and is not
        // sent again; -7d and -1d meet on the make-up Saturday 02-14 and go once.
        let moved = {
            var c = old
            c.reminders.entities["s"]?.restDays = .move
            return c
        }()
        _ = try await pass.run(config: moved, previous: old, now: clock.now(), actor: "reload")
        let keys = try await store.snapshot(config: moved, now: clock.now()) { r in
            try r.plannedReminders(of: try #require(try r.findObligation(id)))
        }
        #expect(keys.map(\.stage) == ["before:-30d", "before:-1d", "due", "overdue:1"])
        #expect(keys[0].sentAt == i("2026-01-25T01:00:00Z") && keys[0].at == i("2026-01-23T01:00:00Z"))
        let s = ReminderScheduler(store: store, configuration: { moved }, clock: clock, logger: Logger(label: "test"))
        #expect(try await s.nextReminder() == i("2026-02-14T01:00:00Z"))

        // Upgraded to the shipped plan (working-day stages): re-armed at start to its next stage.
        let shipped = Embedded.configuration
        _ = try await pass.run(config: shipped, previous: moved, now: clock.now(), actor: "start")
        let new = ReminderScheduler(store: store, configuration: { shipped }, clock: clock, logger: Logger(label: "test"))
        #expect(try await new.nextReminder() == i("2026-02-10T01:00:00Z"), "-5wd: Tuesday 02-10")
        for t in ["2026-02-10T01:00:00Z", "2026-02-14T01:00:00Z", "2026-02-24T01:00:00Z", "2026-02-25T01:00:00Z"] {
            clock.set(i(t))
            #expect(try await new.fireDue() == 1, "\(t)")
            #expect(try await new.fireDue() == 0, "\(t): once")
        }
        let sent = try await reminders(store).map { $0["stage"] as? String ?? "" }
        #expect(sent == ["before:-30d", "before:-5wd", "before:-1wd", "due", "overdue:1"])
        #expect(try await new.nextReminder() == i("2026-02-26T01:00:00Z"), "the next working day")
    }

    /// A calendar file that makes days holidays re-plans the reminders that fell on them, also of an
    /// obligation the file does not decide: a deadline of 2026-12-30 whose overdue repeats run into
    /// 2027 waits for the first working day of the new file.
    @Test func aNewCalendarReplansStagesOnItsHolidays() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2027-01-02T00:00:00Z"))
        let policy = ReminderPolicy(before: [], dueDayAtMinutes: 9 * 60, overdueEvery: try Period(parsing: "+1d"))
        let estimate = {
            var c = Embedded.configuration
            c.reminders.entities["s"] = policy
            return c
        }()
        // A made-up 2027 file, clearly a test fixture: holidays on 2027-01-04..06, which the estimate
        // has as working days.
        let fixture = """
            {"region": "cn", "year": 2027, "version": 1, "notice": {"title": "TEST FIXTURE, not a real notice"},
             "holidays": [{"name": "Test Holiday", "from": "2027-01-01", "to": "2027-01-06", "makeUpDays": []}]}
            """
        var replaced = try estimate.replacing("calendars/cn/2027.json", with: Data(fixture.utf8), origin: "test")
        replaced.reminders = estimate.reminders
        let official = replaced
        let pass = Recomputation(store: store, logger: Logger(label: "test"))
        _ = try await pass.run(config: estimate, previous: nil, now: clock.now(), actor: "start")
        _ = try await store.transaction(config: estimate, now: clock.now(), actor: "test") { r in
            _ = try r.addEntity(id: "s", name: "S", zone: nil, region: nil, owner: nil, labels: [:])
            return try r.addCustom(
                entityId: "s", title: "t", start: .day(try CivilDate(parsing: "2026-12-15")), period: try Period(parsing: "+15d"), roll: nil
            )
        }
        #expect(try await scheduler(store, clock).nextReminder() == i("2027-01-04T01:00:00Z"), "Monday, on the estimate")
        let result = try await pass.run(config: official, previous: estimate, now: clock.now(), actor: "reload")
        #expect(result.examined == 0, "the file does not decide the deadline")
        let replanned = ReminderScheduler(store: store, configuration: { official }, clock: clock, logger: Logger(label: "test"))
        #expect(try await replanned.nextReminder() == i("2027-01-07T01:00:00Z"), "the first working day of the file")
    }

    @Test func eachStageFiresOnceOnTime() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2025-06-01T00:00:00Z"))
        _ = try await seed(store, now: clock.now())
        let s = scheduler(store, clock)
        #expect(try await s.nextReminder() == i("2025-06-14T01:00:00Z"))
        #expect(try await s.fireDue() == 0)
        clock.set(i("2025-06-14T01:00:00Z"))
        #expect(try await s.fireDue() == 1)
        #expect(try await s.fireDue() == 0, "a stage is sent once")
        let r = try await reminders(store)
        #expect(r.map { $0["stage"] as? String } == ["before:-30d"])
        #expect(r.first?["late"] as? Bool == false)
        #expect(try await s.nextReminder() == i("2025-07-07T01:00:00Z"))
    }

    @Test func downtimeAcrossThreeStagesSendsOneLateReminder() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2025-06-01T00:00:00Z"))
        _ = try await seed(store, now: clock.now())
        let s = scheduler(store, clock)
        // obligd was down from before -30d until the morning of the due day (after 09:00).
        clock.set(i("2025-07-14T02:00:00Z"))
        #expect(try await s.fireDue() == 1)
        let r = try await reminders(store)
        #expect(r.count == 1)
        #expect(r[0]["stage"] as? String == "due")
        #expect(r[0]["late"] as? Bool == true)
        #expect(r[0]["collapsed"] as? Int == 3)
        #expect(try await s.nextReminder() == i("2025-07-15T01:00:00Z"))
    }

    @Test func wallClockJumpsNeitherRepeatNorLoseStages() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2025-07-06T00:00:00Z"))
        let ids = try await seed(store, now: i("2025-06-01T00:00:00Z"))
        let s = scheduler(store, clock)
        // The -30d stage (2025-06-14) is past when the scheduler first runs: sent late once.
        #expect(try await s.fireDue() == 1)
        // Jump forward past -7d and -1d: one late reminder for -1d.
        clock.set(i("2025-07-13T05:00:00Z"))
        #expect(try await s.fireDue() == 1)
        // Jump back a week: nothing is sent again.
        clock.set(i("2025-07-06T00:00:00Z"))
        #expect(try await s.fireDue() == 0)
        clock.set(i("2025-07-13T06:00:00Z"))
        #expect(try await s.fireDue() == 0)
        let stages = try await reminders(store).compactMap { $0["stage"] as? String }
        #expect(stages == ["before:-30d", "before:-1d"])
        #expect(try await ledgerCounts(store, ids, now: clock.now()) == [ids[0]: 2])
    }

    @Test func manyRemindersDueInTheSameSecondAreAllRecordedOnce() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2025-06-01T00:00:00Z"))
        let ids = try await seed(store, now: clock.now(), count: 2_500)
        let s = scheduler(store, clock)
        clock.set(i("2025-06-14T01:00:00Z"))
        #expect(try await s.fireDue() == 2_500)
        #expect(try await s.fireDue() == 0)
        let counts = try await ledgerCounts(store, ids, now: clock.now())
        #expect(counts.count == 2_500 && counts.values.allSatisfy { $0 == 1 })
    }

    @Test func runLoopSleepsUntilTheNextStageAndWakesOnNewObligations() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2025-06-01T00:00:00Z"))
        let s = scheduler(store, clock)
        let task = Task { try await s.run() }
        defer {
            task.cancel()
            clock.wake()
        }
        _ = try await seed(store, now: clock.now())
        s.wake()
        clock.set(i("2025-06-14T01:00:00Z"))
        for _ in 0..<100 where try await reminders(store).isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(try await reminders(store).count == 1)
    }

    @Test func closingAnObligationStopsItsReminders() async throws {
        let store = try makeTemporaryStore()
        let clock = ManualClock(i("2025-06-01T00:00:00Z"))
        let ids = try await seed(store, now: clock.now())
        let config = self.config
        _ = try await store.transaction(config: config, now: clock.now(), actor: "t") { r in
            try r.close(ids[0], as: .done, on: nil, note: "filed")
        }
        clock.set(i("2025-09-01T00:00:00Z"))
        #expect(try await scheduler(store, clock).fireDue() == 0)
        #expect(try await scheduler(store, clock).nextReminder() == nil)
    }
}
