import PostgresNIO

extension PostgresConnection {
    /// Runs `body` between BEGIN and COMMIT on this connection; on an error, ROLLBACK and rethrow the
    /// body's own error (a failed ROLLBACK is dropped: the server discards the transaction when the
    /// connection closes anyway).
    ///
    /// Why not postgres-nio's `withTransaction`: it wraps every error in `PostgresTransactionError`,
    /// so a caller could no longer catch `LeaseLost` or `StoreError` by type.
    /// A COMMIT that fails because the connection broke leaves the outcome unknown to the caller, as
    /// with any database; what it wrote is then either all there or all absent.
    func transaction<T>(
        logger: Logger, isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> sending T
    ) async throws -> sending T {
        try await run("BEGIN", logger: logger)
        let value: T
        do {
            value = try await body(self)
        } catch {
            _ = try? await run("ROLLBACK", logger: logger)
            throw error
        }
        try await run("COMMIT", logger: logger)
        return value
    }
}
