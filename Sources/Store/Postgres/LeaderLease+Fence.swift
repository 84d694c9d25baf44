import PostgresNIO

extension LeaderLease {
    /// Checks, inside a transaction open on `connection`, that this lease is still the current one:
    /// same holder, same epoch; throws `LeaseLost` otherwise.
    ///
    /// Why `FOR SHARE`: it locks the lease row until the transaction ends, so a takeover (an UPDATE
    /// of that row) waits for the fenced transaction to commit or roll back; a transaction fenced
    /// after a takeover reads the new holder and fails. Either the claim commits before the next
    /// epoch begins, or it fails. Why not also "not expired": the epoch is what proves no other node
    /// led, and every takeover bumps it under that lock. An expired lease nobody took over yet is
    /// still this node's alone, and a jump of the database server's clock past the lease expires it
    /// in an instant: refusing claims then would leave due reminders waiting for the next renewal.
    /// The transaction may stay idle no longer than the lease's ttl (the server then ends the
    /// session), so a leader stalled inside a claim holds up a takeover for one ttl at most.
    package func check(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.run(PostgresQuery(unsafeSQL: idleTimeoutStatement), logger: logger)
        var binds = PostgresBindings()
        binds.append(name)
        let rows = try await connection.run(PostgresQuery(unsafeSQL: Self.fenceQuery, binds: binds), logger: logger)
        var found: (holder: String, epoch: Int64, live: Bool)?
        for try await row in rows.decode((String, Int64, Bool).self) { found = row }
        try verify(found, requireLive: false)
    }

    /// The fence's first statement: the transaction may stay idle no longer than the lease's ttl.
    var idleTimeoutStatement: String {
        "SET LOCAL idle_in_transaction_session_timeout = \(max(1, Int(ttl.inSeconds * 1000)))"
    }

    /// The fence's query (`$1`: the lease's name): the lease row, locked until the transaction ends,
    /// with whether it is live at the time of the statement (for the error; the fence ignores it).
    static let fenceQuery = leaseQuery + " FOR SHARE"

    /// The lease row and whether it is live now, without a lock: what a leader reads just before it
    /// sends a message (a send is no transaction the fence could hold, so there it must be live too:
    /// a takeover may begin the moment it has expired). `statement_timestamp()` rather than `now()`:
    /// `now()` is when the transaction began, and the check should see the time it is made.
    static let leaseQuery = "SELECT holder, epoch, expires_at > statement_timestamp() FROM leader_lease WHERE name = $1"

    /// The verdict on the row `fenceQuery` or `leaseQuery` found: `LeaseLost` unless it is this lease
    /// (and live, when `requireLive`: the check before a send).
    func verify(_ found: (holder: String, epoch: Int64, live: Bool)?, requireLive: Bool) throws {
        guard let found, found.holder == holder, found.epoch == epoch, found.live || !requireLive else {
            throw LeaseLost(lease: self, found: found)
        }
    }
}

/// Runs `body` in a transaction on `connection` that first passes the fence for `lease` (`check`):
/// BEGIN, the check, the body, COMMIT; ROLLBACK when the check or the body throws.
///
/// Why: this is how the leader claims work (a reminder to fire, an outbox row to deliver): the claim
/// and the check commit together, so a leader that was paused and lost its lease can never commit a
/// claim after another node took over. It throws `LeaseLost` when the lease is gone.
package func fenced<T>(
    _ connection: PostgresConnection, _ lease: LeaderLease, logger: Logger, isolation: isolated (any Actor)? = #isolation,
    _ body: (PostgresConnection) async throws -> sending T
) async throws -> sending T {
    try await connection.transaction(logger: logger) { c in
        try await lease.check(on: c, logger: logger)
        return try await body(c)
    }
}
