import DeadlineKit
import Scheduler
import Synchronization

/// A clock the test moves by hand; sleeps end when the test wakes or moves it.
final class ManualClock: SchedulerClock {
    private let state: Mutex<(now: Instant, waiters: [CheckedContinuation<WakeReason, Never>])>

    init(_ now: Instant) { state = Mutex((now, [])) }

    func now() -> Instant { state.withLock { $0.now } }

    func set(_ t: Instant) {
        let waiters = state.withLock { s in
            let jumpedBack = t < s.now
            s.now = t
            defer { s.waiters = [] }
            return (s.waiters, jumpedBack)
        }
        for w in waiters.0 { w.resume(returning: waiters.1 ? .clockChanged : .deadline) }
    }

    func advance(seconds: Int64) { set(now().adding(seconds: seconds)) }

    func sleep(until deadline: Instant?) async -> WakeReason {
        if let deadline, deadline <= now() { return .deadline }
        return await withCheckedContinuation { c in state.withLock { $0.waiters.append(c) } }
    }

    func wake() {
        let waiters = state.withLock { s in defer { s.waiters = [] }; return s.waiters }
        for w in waiters { w.resume(returning: .woken) }
    }
}
