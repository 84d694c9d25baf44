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
    /// Why an expired lease of our own gets a new epoch too: a leader acquires only after it stepped
    /// down (its renewals failed), and a task of the term it ended must not pass the new term's
    /// fence; while it leads it renews, which keeps the epoch. Why `clock_timestamp()` rather than `now()`:
    /// the statement may wait for the row (a stalled leader's fenced transaction holds it until the
    /// server ends that session), and `now()` is when it began waiting: the lease, expired meanwhile,
    /// would still look held and the takeover would wait for another turn.
    ///
    /// `fingerprint` is the node's configuration (calendars and rules); the lease row keeps the
    /// leader's, the cluster's. A node whose fingerprint differs takes an expired lease only when no
    /// other node that shares the cluster's was seen within `ttl` (`cluster_node`): a node with other
    /// rules never overtakes one with the cluster's, so two configurations never take turns
    /// recomputing, yet a cluster whose every node was changed still gets a leader.
    package func acquire(node: String, ttl: Duration, fingerprint: String = "") async throws -> LeaderLease? {
        precondition(ttl > .zero, "a lease needs a positive ttl")
        let rows = try await connection.run(
            """
            INSERT INTO leader_lease AS l (name, holder, epoch, expires_at, acquired_at, fingerprint)
            VALUES (\(name), \(node), 1, clock_timestamp() + make_interval(secs => \(ttl.inSeconds)), clock_timestamp(), \(fingerprint))
            ON CONFLICT (name) DO UPDATE SET
                epoch = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > clock_timestamp() THEN l.epoch ELSE l.epoch + 1 END,
                acquired_at = CASE WHEN l.holder = EXCLUDED.holder AND l.expires_at > clock_timestamp() THEN l.acquired_at ELSE clock_timestamp() END,
                holder = EXCLUDED.holder,
                expires_at = clock_timestamp() + make_interval(secs => \(ttl.inSeconds)),
                fingerprint = EXCLUDED.fingerprint
            WHERE (l.holder = EXCLUDED.holder AND l.expires_at > clock_timestamp())
               OR (l.expires_at <= clock_timestamp() AND (l.fingerprint = EXCLUDED.fingerprint OR NOT EXISTS (
                   SELECT 1 FROM cluster_node n WHERE n.fingerprint = l.fingerprint AND n.name <> EXCLUDED.holder
                   AND n.seen_at > clock_timestamp() - make_interval(secs => \(ttl.inSeconds)))))
            RETURNING epoch
            """, logger: logger)
        for try await epoch in rows.decode(Int64.self) { return LeaderLease(name: name, holder: node, epoch: epoch, ttl: ttl) }
        return nil
    }

    /// Extends `lease` by its ttl from now; false when it is lost (another holder or epoch), and then
    /// the node must stop leading and `acquire` again.
    ///
    /// Why an expired lease of this holder and epoch is extended too: nobody took it over (a takeover
    /// bumps the epoch), so this node was the only leader throughout. It expires that way when the
    /// database server's clock jumps forward past the lease; the leader should go on under its epoch,
    /// not stop its duties and start them again under a new one. A node whose renewals fail for the
    /// lease's length by its own monotonic clock steps down (`dropLease`) and renews no more; a slow
    /// renewal that succeeds late is still safe (had anyone taken over, the epoch would differ), but
    /// one the server applies after the node died holds off a takeover for one more ttl.
    /// `fingerprint`, when given, becomes the cluster's: the leader's configuration after a reload.
    package func renew(_ lease: LeaderLease, fingerprint: String? = nil) async throws -> Bool {
        let rows = try await connection.run(
            """
            UPDATE leader_lease SET expires_at = clock_timestamp() + make_interval(secs => \(lease.ttl.inSeconds)),
                fingerprint = COALESCE(\(fingerprint), fingerprint)
            WHERE name = \(lease.name) AND holder = \(lease.holder) AND epoch = \(lease.epoch)
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
            SELECT holder, epoch, extract(epoch FROM now() - acquired_at)::float8, extract(epoch FROM expires_at - now())::float8,
                fingerprint
            FROM leader_lease WHERE name = \(name)
            """, logger: logger)
        for try await (holder, epoch, age, left, fingerprint) in rows.decode((String, Int64, Double, Double, String).self) {
            return LeaseStatus(holder: holder, epoch: epoch, heldFor: .seconds(age), expiresIn: .seconds(left), fingerprint: fingerprint)
        }
        return nil
    }
}

extension Duration {
    /// The duration in seconds, for `make_interval(secs => ...)`.
    var inSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
