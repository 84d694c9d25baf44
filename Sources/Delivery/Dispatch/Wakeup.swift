import Synchronization

/// A level-triggered wake-up signal: `signal()` wakes the current waiter, or the next one if nobody is
/// waiting, so a wake-up that arrives while the dispatcher is busy is not lost. Waiting is cancellable.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextId = 0
    }

    private let state = Mutex(State())

    init() {}

    func signal() {
        let toResume: [CheckedContinuation<Void, Never>] = state.withLock { s in
            if s.waiters.isEmpty {
                s.pending = true
                return []
            }
            let all = Array(s.waiters.values)
            s.waiters.removeAll()
            return all
        }
        for c in toResume { c.resume() }
    }

    /// Returns when signalled (immediately if a signal is pending) or when the task is cancelled.
    func wait() async {
        let id = state.withLock { s in
            s.nextId += 1
            return s.nextId
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.pending {
                        s.pending = false
                        return true
                    }
                    // Cancelled before we could register: the handler found nothing to resume.
                    if Task.isCancelled { return true }
                    s.waiters[id] = c
                    return false
                }
                if resumeNow { c.resume() }
            }
        } onCancel: {
            let c = state.withLock { s in s.waiters.removeValue(forKey: id) }
            c?.resume()
        }
    }

    /// Waits for a signal, or until `deadline` on `clock` (nil: no deadline), or cancellation.
    func wait(until deadline: Int64?, clock: any DeliveryClock) async {
        guard let deadline else {
            await wait()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await clock.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }
}
