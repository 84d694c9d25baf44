import DeadlineKit
import Logging
import Rules
import Store
import Telemetry

/// Sends reminder stages on time, exactly once: it sleeps until the earliest pending stage (no
/// polling), fires everything due in batches, and after downtime or a clock jump sends what was
/// missed once, marked late.
package final class ReminderScheduler: Sendable {
    let store: ObligationStore
    let configuration: @Sendable () -> Rules.Configuration
    /// Its view of time: `WallClock` in the daemon, a hand-moved one in tests; `wake()` on it ends a sleep early.
    package let clock: any SchedulerClock
    let logger: Logger
    /// Called after reminders were committed (to wake delivery).
    let onSent: @Sendable (Int) -> Void
    /// Called on every loop turn (the systemd watchdog); nil when no watchdog is configured.
    let heartbeat: (@Sendable () -> Void)?
    let heartbeatInterval: Int64?
    /// Counts reminders fired, late or not (nil: not counted).
    let metrics: EventMetrics?

    /// Builds the scheduler; it does nothing until its loop runs. `heartbeat` runs at least every
    /// `heartbeatIntervalSeconds` while it sleeps.
    package init(
        store: ObligationStore, configuration: @escaping @Sendable () -> Rules.Configuration, clock: any SchedulerClock,
        logger: Logger, heartbeat: (@Sendable () -> Void)? = nil, heartbeatIntervalSeconds: Int64? = nil,
        metrics: EventMetrics? = nil, onSent: @escaping @Sendable (Int) -> Void = { _ in }
    ) {
        self.metrics = metrics
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.heartbeat = heartbeat
        self.heartbeatInterval = heartbeatIntervalSeconds
        self.onSent = onSent
    }

    /// Fires every stage due now; returns how many reminders were recorded.
    @discardableResult
    package func fireDue() async throws -> Int {
        var total = 0
        while true {
            let now = clock.now()
            let config = configuration()
            let (sent, late, more) = try await store.transaction(config: config, now: now, actor: "scheduler") { r in
                try r.fireReminders()
            }
            metrics?.remindersFired(total: sent, late: late)
            total += sent
            if !more { break }
        }
        // Recurring obligations that fell due open their successor (done may already have).
        var successors = 0
        while true {
            let config = configuration()
            let (opened, more) = try await store.transaction(config: config, now: clock.now(), actor: "scheduler") { r in
                try r.openDueSuccessors()
            }
            successors += opened
            if !more { break }
        }
        // A year ended in some entity's zone: its year-to-date classifications end with it.
        let ended = try await store.endYearToDateSpans(config: configuration(), now: clock.now(), actor: "scheduler")
        if ended > 0 {
            logger.notice("ended year-to-date classifications at the end of their year", metadata: ["subjects": "\(ended)"])
            onSent(ended)
        }
        if successors > 0 {
            logger.info("recurring obligations opened", metadata: ["count": "\(successors)"])
            onSent(successors)
        }
        if total > 0 {
            logger.info("reminders recorded", metadata: ["count": "\(total)"])
            onSent(total)
        }
        return total
    }

    /// The next instant the scheduler has work: a reminder stage, a recurring obligation falling due,
    /// or a year-to-date classification reaching the end of its year.
    package func nextReminder() async throws -> Instant? {
        let config = configuration()
        let now = clock.now()
        return try await store.snapshot(config: config, now: now) { r in
            let reminder = try r.nextReminder(), recurrence = try r.nextRecurrence(), yearEnd = try r.nextYearlySpanEnd()
            return [reminder, recurrence, yearEnd].compactMap { $0 }.min()
        }
    }

    /// Call after writes that may add an earlier stage, so the sleep is shortened.
    package func wake() { clock.wake() }

    /// Fires what is due, then sleeps until the next stage (or a wake). It reads what is next before
    /// it writes: a wake for a change that made nothing due (on PostgreSQL, every write through any
    /// node wakes the leader) costs one read, not write transactions that hold up every node's writes.
    package func run() async throws {
        var armed = false
        var repeated: Instant?
        let started = ContinuousClock.now
        while !Task.isCancelled {
            heartbeat?()
            var next: Instant?
            do { next = try await nextReminder() } catch {
                logger.error("scheduler could not read the next reminder, retrying in 5 s: \(error)")
                _ = await clock.sleep(until: clock.now().adding(seconds: 5))
                continue
            }
            if let due = next, due <= clock.now() {
                // The same instant still due after firing: nothing moved it; do not spin on it.
                if repeated == due { _ = await clock.sleep(until: clock.now().adding(seconds: 1)) }
                repeated = due
                do {
                    try await fireDue()
                } catch {
                    logger.error("scheduler could not record reminders, retrying in 5 s: \(error)")
                    _ = await clock.sleep(until: clock.now().adding(seconds: 5))
                }
                continue
            }
            repeated = nil
            if !armed {
                armed = true
                let ms = (ContinuousClock.now - started) / .milliseconds(1)
                logger.notice("scheduler armed", metadata: ["ms": "\(Int(ms))", "next": "\(next.map { "\($0)" } ?? "none")"])
            }
            if let interval = heartbeatInterval {
                let beat = clock.now().adding(seconds: interval)
                next = next.map { min($0, beat) } ?? beat
            }
            switch await clock.sleep(until: next) {
            case .clockChanged:
                logger.notice("wall clock changed; re-checking reminders", metadata: ["now": "\(clock.now())"])
            case .cancelled:
                return
            case .deadline, .woken:
                break
            }
        }
    }
}
