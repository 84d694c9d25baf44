import Foundation
import NIOCore
import NIOPosix

/// Wall-clock time for delivery, in epoch milliseconds: backoff, `Retry-After` and rate limits all work
/// below a second. Injected so tests can move time by hours (a receiver down for a day) without waiting.
package protocol DeliveryClock: Sendable {
    func now() -> Int64
    /// Returns at or after `deadline`, or throws CancellationError when the task is cancelled.
    func sleep(until deadline: Int64) async throws
}

/// The system clock. Sleeps are timers on NIO's event loops rather than `Task.sleep`, whose delayed
/// jobs go through libdispatch's global queues and would start its 1 Hz workqueue monitor for good.
package struct SystemDeliveryClock: DeliveryClock {
    /// The wall clock; the daemon's only one for delivery.
    package init() {}

    /// Milliseconds since the Unix epoch, rounded down.
    package func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// Waits on an NIO timer until `deadline` (epoch milliseconds); cancelling the task cancels the timer and throws
    /// CancellationError.
    package func sleep(until deadline: Int64) async throws {
        let wait = deadline - now()
        guard wait > 0 else { return try Task.checkCancellation() }
        let timer = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: .milliseconds(wait)) {}
        try await withTaskCancellationHandler {
            do { try await timer.futureResult.get() } catch { throw CancellationError() }
        } onCancel: {
            timer.cancel()
        }
    }
}
