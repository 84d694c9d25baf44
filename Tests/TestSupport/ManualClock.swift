import DeadlineKit
import Delivery
import Scheduler
import Synchronization

/// A wall clock the test moves by hand, for the scheduler (`SchedulerClock`, whole seconds as
/// `Instant`) and for delivery (`DeliveryClock`, epoch milliseconds). Why: reminder stages and
/// retry backoffs span days; tests step through them in microseconds, deterministically.
///
/// Sleeps end only when the test moves the clock (or wakes it):
/// - a scheduler sleep ends on every move: `.deadline`, or `.clockChanged` when the clock went back
///   (the scheduler reads the time again either way); `wake()` ends it with `.woken`;
/// - a delivery sleep ends once the clock reaches its deadline, or throws `CancellationError` when
///   its task is cancelled.
package final class ManualClock: SchedulerClock, DeliveryClock {
    private struct State {
        var millis: Int64
        var schedulerWaiters: [CheckedContinuation<WakeReason, Never>] = []
        var deliverySleepers: [Int: (deadline: Int64, c: CheckedContinuation<Void, Error>)] = [:]
        var nextId = 0
    }
    private let state: Mutex<State>

    /// A clock reading `now` (the scheduler's view).
    package init(_ now: Instant) { state = Mutex(State(millis: now.secondsSinceEpoch * 1000)) }

    /// A clock reading `now` epoch milliseconds (delivery's view).
    package init(now: Int64) { state = Mutex(State(millis: now)) }

    // MARK: Scheduler

    /// The time in whole seconds.
    package func now() -> Instant {
        let ms = state.withLock { $0.millis }
        return Instant(secondsSinceEpoch: ms >= 0 ? ms / 1000 : (ms - 999) / 1000)
    }

    /// Sets the clock to `t`, forward or back, like an administrator setting the system time.
    package func set(_ t: Instant) { move { _ in t.secondsSinceEpoch * 1000 } }

    /// Moves the clock `seconds` forward.
    package func advance(seconds: Int64) { move { $0 + seconds * 1000 } }

    package func sleep(until deadline: Instant?) async -> WakeReason {
        if let deadline, deadline <= now() { return .deadline }
        return await withCheckedContinuation { c in state.withLock { $0.schedulerWaiters.append(c) } }
    }

    /// Ends every scheduler sleep with `.woken` (new work arrived).
    package func wake() {
        let waiters = state.withLock { s in
            defer { s.schedulerWaiters = [] }
            return s.schedulerWaiters
        }
        for w in waiters { w.resume(returning: .woken) }
    }

    // MARK: Delivery

    /// The time in epoch milliseconds.
    package func now() -> Int64 { state.withLock { $0.millis } }

    /// The earliest deadline a delivery sleep waits for, if one is asleep.
    package var earliestSleeper: Int64? { state.withLock { $0.deliverySleepers.values.map(\.deadline).min() } }

    package func sleep(until deadline: Int64) async throws {
        let id = state.withLock { s in
            s.nextId += 1
            return s.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, Error>) in
                let result: Result<Void, Error>? = state.withLock { s in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= s.millis { return .success(()) }
                    s.deliverySleepers[id] = (deadline, c)
                    return nil
                }
                if let result { c.resume(with: result) }
            }
        } onCancel: {
            let c = state.withLock { $0.deliverySleepers.removeValue(forKey: id) }
            c?.c.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock to `t` epoch milliseconds; never back (delivery's time only moves forward).
    package func advance(to t: Int64) { move { max($0, t) } }

    /// Moves the clock `ms` milliseconds forward.
    package func advance(by ms: Int64) { move { $0 + ms } }

    // MARK: Moving

    /// Sets the time to `next(now)` and ends the sleeps that the move ends (see the type's comment).
    private func move(_ next: (Int64) -> Int64) {
        let (waiters, back, due) = state.withLock { s in
            let t = next(s.millis)
            let back = t < s.millis
            s.millis = t
            let waiters = s.schedulerWaiters
            s.schedulerWaiters = []
            let ready = s.deliverySleepers.filter { $0.value.deadline <= t }
            for k in ready.keys { s.deliverySleepers.removeValue(forKey: k) }
            return (waiters, back, ready.values.map(\.c))
        }
        for w in waiters { w.resume(returning: back ? .clockChanged : .deadline) }
        for c in due { c.resume() }
    }
}
