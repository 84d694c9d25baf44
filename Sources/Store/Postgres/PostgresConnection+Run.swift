import PostgresNIO

extension PostgresConnection {
    /// Runs `query`, or throws `PostgresFailure.disconnected` at once when the connection is closed.
    ///
    /// Why not `query` directly: in postgres-nio 1.33.2 a query sent on a connection the server has
    /// already closed (`idle_in_transaction_session_timeout`, `pg_terminate_backend`, a restart)
    /// never returns, even when cancelled: the write reaches a closed channel with no promise to fail.
    /// Checking first turns that hang into an error; a close that lands between the check and the
    /// write (microseconds) can still hang, so callers with a deadline (the lease) bound their wait.
    /// Every statement Store sends to PostgreSQL goes through here.
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        guard !isClosed else { throw PostgresFailure.disconnected }
        return try await self.query(query, logger: logger, file: file, line: line)
    }
}
