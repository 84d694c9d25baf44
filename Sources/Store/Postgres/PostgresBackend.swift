import Dispatch
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Store on PostgreSQL: transactions on a connection of their own, each run on a thread of its own
/// (the Recorder waits for each statement). Writes are serialized across every node on the database
/// by a transaction-scoped advisory lock, so the Recorder's read-then-write steps (the audit chain's
/// tip, the check for a duplicate event) see what the previous write left, as on SQLite's single
/// writer. A connection that broke (a server restart) is opened again for the next transaction.
package final class PostgresBackend: Sendable {
    let configuration: PostgresConnection.Configuration
    let logger: Logger
    /// API writes waiting for the next group transaction (`groupWrite`).
    let pending = Mutex(PendingWrites())
    let writer: Lane
    private let reader: Lane
    /// For the leader's bookkeeping writes that need no serialization (`write(serialized: false)`).
    private let bookkeeper: Lane
    /// The lease this node leads under, once taken: every write transaction passes its fence.
    let lease = Mutex<LeaderLease?>(nil)
    /// Until when, by this process's monotonic clock, the lease is surely still held: the moment
    /// before the statement that took or renewed it was sent, plus its ttl. The database set the
    /// expiry later than that, by its clock, and no node takes the lease before it; so until this
    /// instant a leader need not ask the database before it sends (`confirmLease`).
    let leaseSureUntil = Mutex<ContinuousClock.Instant?>(nil)

    /// The advisory lock every write transaction holds: one writer at a time on the database.
    static let writeLock: Int64 = 0x6F62_6C69_6764  // "obligd"

    /// How long a transaction of this node may wait for its next statement before the server ends
    /// its session: a node stalled inside a write (SIGSTOP, a hung VM) holds the cluster-wide write
    /// lock, and every node's writes would wait for it until it resumed.
    let idleLimit: Duration

    /// - Parameter idleLimit: see `idleLimit`; the daemon gives the lease's length, the time a stalled
    ///   leader may hold up the cluster anyway.
    package init(configuration: PostgresConnection.Configuration, logger: Logger, idleLimit: Duration = .seconds(10)) {
        self.configuration = configuration
        self.logger = logger
        self.idleLimit = idleLimit
        writer = Lane(label: "obligd.postgres.writer")
        reader = Lane(label: "obligd.postgres.reader")
        bookkeeper = Lane(label: "obligd.postgres.bookkeeper")
    }

    /// Brings the database to the schema this obligd expects (`PostgresMigrations`), on a connection
    /// of its own.
    package func prepare() async throws {
        try await withConnection { connection in try await PostgresMigrations.migrate(connection, logger: logger) }
    }

    /// Runs `body` on a connection of its own, closed after whatever happened.
    func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            let result = try await body(connection)
            _ = try? await connection.close()
            return result
        } catch {
            _ = try? await connection.close()
            throw error
        }
    }

    /// Runs `body` in one write transaction and returns once it committed.
    ///
    /// - Parameter fenced: a leader's write (a reminder fired, a delivery recorded, a recomputation):
    ///   it passes the fence of the lease this node holds, and fails with `LeaseLost` when it holds
    ///   none or lost it. Any other write (the API's, on any node) is not fenced and tells the leader,
    ///   by `NOTIFY` at commit, that the state changed (`watchChanges`).
    ///
    /// Unfenced serialized writes (the API's) are group-committed: see `groupWrite`.
    ///
    /// - Parameter serialized: false for the leader's bookkeeping that reads nothing another write
    ///   could change under it and writes no audit row (delivery outcomes, routing): it skips the
    ///   cluster-wide write lock and runs on a connection of its own, so it never waits behind the API's
    ///   writes (row locks still order it with any write to the same rows).
    package func write<T: Sendable>(
        fenced: Bool = false, serialized: Bool = true, _ body: @Sendable @escaping (any SQLSession) throws -> T
    ) async throws -> T {
        if serialized && !fenced { return try await groupWrite(body) }
        return try await (serialized ? writer : bookkeeper).run(self) { session in
            let lease = self.lease.withLock { $0 }
            if fenced, lease == nil { throw NotLeading() }
            try session.run("BEGIN", [])
            do {
                if serialized { try session.run("SELECT pg_advisory_xact_lock(\(Self.writeLock))", []) }
                if fenced, let lease { try Self.fence(lease, session) }
                let result = try body(session)
                if !fenced { try session.run("SELECT pg_notify('\(Self.changes)', '')", []) }
                try session.run("COMMIT", [])
                return result
            } catch {
                _ = try? session.run("ROLLBACK", [])
                throw error
            }
        }
    }

    /// The channel a write that is not the leader's notifies at commit (`watchChanges`).
    static let changes = "obligd_changes"

    /// Runs `body` on a consistent snapshot (a read-only, repeatable-read transaction).
    package func read<T: Sendable>(_ body: @Sendable @escaping (any SQLSession) throws -> T) async throws -> T {
        try await reader.run(self) { session in
            try session.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", [])
            defer { _ = try? session.run("COMMIT", []) }
            return try body(session)
        }
    }

    /// Closes the connections.
    package func close() async {
        await writer.close()
        await reader.close()
        await bookkeeper.close()
    }

    /// One connection and the thread its transactions run on, one at a time.
    final class Lane: Sendable {
        let queue: DispatchQueue
        let connection = Mutex<PostgresConnection?>(nil)

        init(label: String) { queue = DispatchQueue(label: label) }

        func run<T: Sendable>(
            _ backend: PostgresBackend, _ body: @Sendable @escaping (PostgresSession) throws -> T
        ) async throws -> T {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    continuation.resume(with: Result { try body(PostgresSession(try self.open(backend), logger: backend.logger)) })
                }
            }
        }

        /// The lane's connection, opened (again) if it is missing or closed.
        func open(_ backend: PostgresBackend) throws -> PostgresConnection {
            if let c = connection.withLock({ $0 }), !c.isClosed { return c }
            let c = try PostgresConnection.connect(
                on: PostgresConnection.defaultEventLoopGroup.any(), configuration: backend.configuration, id: 1,
                logger: backend.logger
            ).wait()
            let ms = max(1, Int(backend.idleLimit.inSeconds * 1000))
            do {
                _ = try c.query(PostgresQuery(unsafeSQL: "SET idle_in_transaction_session_timeout = \(ms)"), logger: backend.logger).wait()
            } catch {
                _ = try? c.close().wait()
                throw error
            }
            connection.withLock { $0 = c }
            return c
        }

        func close() async {
            if let c = connection.withLock({ $0 }) { try? await c.close() }
        }
    }
}

extension PostgresBackend {
    /// `LeaderLease.check` inside a write transaction on the session's thread (the same statements
    /// and verdict): a node paused past its lease and overtaken can then commit nothing at all.
    static func fence(_ lease: LeaderLease, _ session: PostgresSession) throws {
        try session.run(lease.idleTimeoutStatement, [])
        try lease.verify(try leaseRow(LeaderLease.fenceQuery, lease, session), requireLive: false)
    }

    /// The lease row `query` (`LeaderLease.fenceQuery` or `leaseQuery`) finds.
    static func leaseRow(
        _ query: String, _ lease: LeaderLease, _ session: some SQLSession
    ) throws -> (holder: String, epoch: Int64, live: Bool)? {
        try session.row(query, [lease.name]).map {
            (
                holder: try $0.decode(0, "leader_lease.holder") as String, epoch: try $0.decode(1, "leader_lease.epoch") as Int64,
                live: try $0.decode(2, "live") as Bool
            )
        }
    }

    /// Takes the database's lease for `node` under configuration `fingerprint`, on a connection of
    /// its own (closed after), and fences the leader's writes with it; else the status of the node that
    /// holds it (or held it last, when this node may not take it: `LeaderLeases.acquire`).
    func lead(node: String, ttl: Duration, fingerprint: String) async throws -> (taken: LeaderLease?, holder: LeaseStatus?) {
        let sent = ContinuousClock.now
        return try await withLeaseConnection { leases in
            if let taken = try await leases.acquire(node: node, ttl: ttl, fingerprint: fingerprint) {
                lease.withLock { $0 = taken }
                leaseSureUntil.withLock { $0 = sent + ttl }
                return (taken, nil)
            }
            return (nil, try await leases.current())
        }
    }

    /// Extends the lease (with the leader's configuration `fingerprint`); false, and no more leader
    /// writes, once it is lost.
    func renew(fingerprint: String?) async throws -> Bool {
        guard let held = lease.withLock({ $0 }) else { return false }
        let sent = ContinuousClock.now
        let kept = try await withLeaseConnection { leases in try await leases.renew(held, fingerprint: fingerprint) }
        if kept { leaseSureUntil.withLock { $0 = sent + held.ttl } } else { dropLease() }
        return kept
    }

    /// Forgets the lease without telling the database: it expired (renewals failed for its length),
    /// so this node must not write as leader even before it reaches the database again.
    func dropLease() {
        leaseSureUntil.withLock { $0 = nil }
        lease.withLock { $0 = nil }
    }

    /// Whether the lease this node holds is still the current one: the check a leader makes before it
    /// sends a message, which no transaction can cover. Within the lease's sure time minus a quarter
    /// of its ttl (a margin for the clocks' rates) it is known without asking; after, it is read from
    /// the database (no lock).
    func confirmLease() async throws {
        guard let held = lease.withLock({ $0 }) else { throw NotLeading() }
        if let sure = leaseSureUntil.withLock({ $0 }), ContinuousClock.now < sure - held.ttl / 4 { return }
        try await read { session in
            try held.verify(try Self.leaseRow(LeaderLease.leaseQuery, held, session), requireLive: true)
        }
    }

    /// Gives the lease up at a clean stop, so another node can take over at once.
    func resign() async {
        guard let held = lease.withLock({ $0 }) else { return }
        _ = try? await withLeaseConnection { leases in try await leases.release(held) }
        dropLease()
    }

    private func withLeaseConnection<T: Sendable>(_ body: (LeaderLeases) async throws -> T) async throws -> T {
        try await withConnection { connection in try await body(LeaderLeases(connection: connection, logger: logger)) }
    }
}
