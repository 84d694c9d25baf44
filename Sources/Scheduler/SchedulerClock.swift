import DeadlineKit

/// Why a sleep ended.
package enum WakeReason: Sendable, Equatable {
    /// The wall clock reached the deadline.
    case deadline
    /// Someone called `wake()` (new obligations, a reload).
    case woken
    /// The wall clock was set (a jump forward or back): recompute what is due.
    case clockChanged
    case cancelled
}

/// The scheduler's view of time, injectable so tests can move it by hand.
package protocol SchedulerClock: Sendable {
    func now() -> Instant
    /// Sleeps until the wall clock reaches `deadline` (forever when nil), `wake()` is called, the clock
    /// is set, or the task is cancelled.
    func sleep(until deadline: Instant?) async -> WakeReason
    func wake()
}
