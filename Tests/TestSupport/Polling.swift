import Testing

/// Polls `condition` every `interval` until it holds or `timeout` passes, then checks it once more;
/// returns whether it held. Errors thrown by `condition` end the wait. Why: tests of concurrent parts
/// (a dispatcher task, a child daemon) wait for an effect instead of sleeping a guessed time. The
/// timing is on the monotonic clock, so tests that move the wall clock can use it too.
@discardableResult
package func poll(
    timeout: Duration, every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}

/// Waits until `condition` holds, polling every 10 ms for at most `timeout`; on a timeout records an
/// issue at the caller's line naming `what` (and the last error `condition` threw, if any) and throws
/// `TestFailure`. A thrown error counts as "not yet": a daemon that is still starting or restarting
/// refuses connections for a moment. Why: the one way every suite waits for asynchronous effects.
package func eventually(
    _ what: String, timeout: Duration = .seconds(15), sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    var lastError: (any Error)?
    let held = try await poll(timeout: timeout) {
        do { return try await condition() } catch {
            lastError = error
            return false
        }
    }
    if held { return }
    let why = "timed out waiting for: \(what)" + (lastError.map { " (last error: \($0))" } ?? "")
    Issue.record(Comment(rawValue: why), sourceLocation: sourceLocation)
    throw TestFailure(why)
}
