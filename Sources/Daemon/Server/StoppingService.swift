import ServiceLifecycle

/// Runs `body` until graceful shutdown cancels it, and treats that cancellation as a clean stop. A
/// loop cancelled by SIGTERM throws `CancellationError`; passed on, the service group took it for a
/// failure, cancelled the HTTP server mid-request and obligd exited with status 1.
func runUntilGracefulShutdown(_ body: @escaping @Sendable () async throws -> Void) async throws {
    do {
        try await cancelWhenGracefulShutdown { try await body() }
    } catch is CancellationError where Task.isShuttingDownGracefully {
        return
    }
}
