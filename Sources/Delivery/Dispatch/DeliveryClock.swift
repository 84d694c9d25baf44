import Foundation

/// Wall-clock time for delivery, in epoch milliseconds: backoff, `Retry-After` and rate limits all work
/// below a second. Injected so tests can move time by hours (a receiver down for a day) without waiting.
public protocol DeliveryClock: Sendable {
    func now() -> Int64
    /// Returns at or after `deadline`, or throws CancellationError when the task is cancelled.
    func sleep(until deadline: Int64) async throws
}

/// The system clock.
public struct SystemDeliveryClock: DeliveryClock {
    public init() {}

    public func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)) }

    public func sleep(until deadline: Int64) async throws {
        let wait = deadline - now()
        if wait > 0 { try await Task.sleep(for: .milliseconds(wait)) } else { try Task.checkCancellation() }
    }
}
