import PostgresNIO

/// The lease named `name` in the `leader_lease` table, reached through `connection`.
///
/// Why in the database and with the database's clock: every node sees the same row and the same
/// `now()`, so nodes whose clocks disagree still agree on who leads and when a lease expired. Each
/// operation is one statement, atomic on its own; none reads the node's clock.
package struct LeaderLeases: Sendable {
    /// The connection the statements run on (not inside a transaction of the caller's).
    package let connection: PostgresConnection
    /// Which lease: one row per name.
    package let name: String
    /// Where postgres-nio logs.
    package let logger: Logger

    /// The lease named `name` on `connection`.
    package init(connection: PostgresConnection, name: String = "leader", logger: Logger) {
        self.connection = connection
        self.name = name
        self.logger = logger
    }

    /// Takes the lease for `node` for `ttl` when it is free or expired (epoch + 1; 1 for a new row),
    /// or extends it when `node` holds it already (same epoch); nil when another node holds it.
    /// Why an expired lease of our own gets a new epoch too: a transaction of ours from before the
    /// expiry must not pass the fence of the new term.
    package func acquire(node: String, ttl: Duration) async throws -> LeaderLease? {
        precondition(ttl > .zero, "a lease needs a positive ttl")
        let rows = try await connection.run(
            """
            INSERT INTO leader_lease AS l (name, holder, epoch, expires_at, acquired_at)
            VALUES (\(name), \(node), 1, now() + make_interval(secs => \(ttl.inSeconds)), now())
            ON CONFLICT (name) DO UPDATE SET
                epoch = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now() THEN l.epoch ELSE l.epoch + 1 END,
                acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > now() THEN l.acquired_at ELSE now() END,
                holder = EXCLUDED.holder,
                expires_at = EXCLUDED.expires_at
            WHERE l.expires_at <= now() OR l.holder = EXCLUDED.holder
            RETURNING epoch
            """, logger: logger)
        for try await epoch in rows.decode(Int64.self) { return LeaderLease(name: name, holder: node, epoch: epoch, ttl: ttl) }
        return nil
    }

    /// Extends `lease` by its ttl from now; false when it is lost (another holder or epoch) or has
    /// expired, and then the node must stop leading and `acquire` again.
    package func renew(_ lease: LeaderLease) async throws -> Bool {
        let rows = try await connection.run(
            """
            UPDATE leader_lease SET expires_at = now() + make_interval(secs => \(lease.ttl.inSeconds))
            WHERE name = \(lease.name) AND holder = \(lease.holder) AND epoch = \(lease.epoch) AND expires_at > now()
            RETURNING epoch
            """, logger: logger)
        return try await rows.collect().isEmpty == false
    }

    /// Gives `lease` up (expires it now) so another node can take over at once; nothing when it was
    /// lost already. Why keep the row: its epoch must keep growing across holders.
    package func release(_ lease: LeaderLease) async throws {
        try await connection.run(
            """
            UPDATE leader_lease SET expires_at = LEAST(expires_at, now())
            WHERE name = \(lease.name) AND holder = \(lease.holder) AND epoch = \(lease.epoch)
            """, logger: logger)
    }

    /// The lease's holder, epoch, age and time left, or nil when no node ever acquired it.
    package func current() async throws -> LeaseStatus? {
        let rows = try await connection.run(
            """
            SELECT holder, epoch, extract(epoch FROM now() - acquired_at)::float8, extract(epoch FROM expires_at - now())::float8
            FROM leader_lease WHERE name = \(name)
            """, logger: logger)
        for try await (holder, epoch, age, left) in rows.decode((String, Int64, Double, Double).self) {
            return LeaseStatus(holder: holder, epoch: epoch, heldFor: .seconds(age), expiresIn: .seconds(left))
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds, for `make_interval(secs => ...)`.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
