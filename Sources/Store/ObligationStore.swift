import DeadlineKit
import Foundation
import GRDB
import Logging

/// The database of obligd: SQLite in the state directory by default, or PostgreSQL for a cluster.
/// Every acknowledged write is committed (on SQLite: WAL, synchronous=FULL) before the caller hears of it.
package final class ObligationStore: Sendable {
    /// Which database holds the state.
    enum Backend: Sendable {
        case sqlite(DatabasePool, GroupCommit)
        case postgres(PostgresBackend)
    }

    let backend: Backend
    /// The SQLite file, or the PostgreSQL server as it may be shown (no password).
    package let path: String
    /// Whether writes are the leader's (`forLeader()`): on PostgreSQL each passes the lease's fence.
    let fencing: Bool

    /// The same state, for the leader's work: the scheduler, delivery and recomputation write through
    /// it. On PostgreSQL each of its writes passes the fence of the lease this node holds (and fails
    /// with `LeaseLost` or `NotLeading` otherwise), so a node that lost the lease, even one paused
    /// and unaware, commits no claim; `confirmLeading()` checks the lease before a send. On SQLite,
    /// where the state directory's lock makes the running obligd the only one, it is this store.
    package func forLeader() -> ObligationStore {
        guard case .postgres = backend else { return self }
        return ObligationStore(backend: backend, path: path, fencing: true)
    }

    /// A store on a backend already opened: `forLeader()`'s view, or `migrationSource`'s read-only
    /// SQLite pool.
    init(backend: Backend, path: String, fencing: Bool = false) {
        self.backend = backend
        self.path = path
        self.fencing = fencing
    }

    /// The SQLite pool, for what only SQLite has (backups by file copy, its migrations, tests).
    var pool: DatabasePool {
        guard case let .sqlite(pool, _) = backend else { preconditionFailure("the SQLite pool of a PostgreSQL store") }
        return pool
    }

    /// Store on the PostgreSQL server at `url` (`PostgresBackend`), with the password from a file or
    /// systemd's credentials (never from the URL): creates the schema on an empty database.
    /// `idleLimit`: how long a transaction may stall before the server ends it (`PostgresBackend`).
    package convenience init(
        postgres url: PostgresURL, password: PostgresPassword?, logger: Logger, idleLimit: Duration = .seconds(10)
    ) async throws {
        let backend = PostgresBackend(
            configuration: try url.configuration(password: password), logger: logger, idleLimit: idleLimit)
        do {
            try await self.init(postgres: backend, display: url.description)
        } catch let error as PostgresFailure {
            await backend.close()
            throw error
        } catch let error as PostgresStatementError {
            await backend.close()
            throw PostgresFailure.migration(name: "schema", reason: error.description)
        } catch {
            await backend.close()
            throw PostgresFailure.unreachable(server: url.description, reason: PostgresFailure.reason(error))
        }
    }

    /// Store on PostgreSQL (`PostgresBackend`): creates the schema on an empty database.
    /// - Parameter display: the server as logs may show it (no password).
    package init(postgres: PostgresBackend, display: String) async throws {
        try await postgres.prepare()
        backend = .postgres(postgres)
        path = display
        fencing = false
    }

    /// Store on the SQLite file at `path` (created if absent, migrated to the current schema), committing with
    /// `synchronous = FULL`.
    package init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        config.busyMode = .timeout(10)
        self.path = path
        let pool = try DatabasePool(path: path, configuration: config)
        // GRDB's DatabasePool sets `synchronous = NORMAL` on its writer when it turns WAL on, after
        // `prepareDatabase` ran, so NORMAL was what obligd committed with: a commit was not synced,
        // only each checkpoint. Set FULL again on the writer, the only connection that commits.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Schema.migrator.migrate(pool)
        backend = .sqlite(pool, GroupCommit(writer: pool))
        fencing = false
    }

    /// Closes the PostgreSQL connections (postgres-nio requires it before they are released); SQLite's
    /// pool closes with the store. Close the store `forLeader()` came from, not that view.
    package func close() async {
        if case let .postgres(pg) = backend { await pg.close() }
    }

    /// A read on SQLite's own API, for what only SQLite has.
    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        guard case let .sqlite(pool, _) = backend else { throw StoreError.sqliteOnly }
        return try await pool.read(body)
    }

    /// Runs `body` in a transaction shared with concurrent writes (group commit); returns once it is durable.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        guard case let .sqlite(_, commits) = backend else { throw StoreError.sqliteOnly }
        return try await commits.write(body)
    }

    /// Runs `body` on a consistent snapshot, on either backend.
    func readSQL<T: Sendable>(_ body: @Sendable @escaping (any SQLSession) throws -> T) async throws -> T {
        switch backend {
        case let .sqlite(pool, _): try await pool.read { db in try body(SQLiteSession(db)) }
        case let .postgres(pg): try await pg.read(body)
        }
    }

    /// Runs `body` in one write transaction on either backend; returns once it is durable.
    /// `serialized: false`: see `PostgresBackend.write` (SQLite has one writer anyway).
    func writeSQL<T: Sendable>(
        serialized: Bool = true, _ body: @Sendable @escaping (any SQLSession) throws -> T
    ) async throws -> T {
        switch backend {
        case let .sqlite(_, commits): try await commits.write { db in try body(SQLiteSession(db)) }
        case let .postgres(pg): try await pg.write(fenced: fencing, serialized: serialized, body)
        }
    }

    /// Runs `body` in one transaction with an idempotency record: a retried request with the same key gets
    /// the stored response and writes nothing; the same key with a different request is a conflict.
    func idempotent(
        key: String?, request: String, now: Instant,
        _ body: @Sendable @escaping (any SQLSession) throws -> (status: Int, response: Data)
    ) async throws -> (status: Int, response: Data) {
        guard let key else { return try await writeSQL(body) }
        return try await writeSQL { sql in
            if let row = try sql.row("SELECT request, status, response FROM idempotency WHERE key = ?", [key]) {
                guard try row.decode(0, "idempotency.request") as String == request else {
                    throw StoreError.conflict("idempotency key '\(key)' was already used for a different request; use a new key")
                }
                return (try row.decode(1, "idempotency.status"), Data(try row.decode(2, "idempotency.response") as [UInt8]))
            }
            let result = try body(sql)
            try sql.execute(
                "INSERT INTO idempotency (key, request, status, response, createdAt) VALUES (?, ?, ?, ?, ?)",
                key, request, result.status, [UInt8](result.response), now.secondsSinceEpoch)
            return result
        }
    }
}
