import DeadlineKit
import Foundation
import GRDB

/// The SQLite database of obligd. Every acknowledged write is committed (WAL, synchronous=FULL) before
/// the caller hears of it.
package final class ObligationStore: Sendable {
    let pool: DatabasePool
    package let path: String
    private let commits: GroupCommit

    package init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        config.busyMode = .timeout(10)
        self.path = path
        pool = try DatabasePool(path: path, configuration: config)
        // GRDB's DatabasePool sets `synchronous = NORMAL` on its writer when it turns WAL on, after
        // `prepareDatabase` ran, so NORMAL was what obligd committed with: a commit was not synced,
        // only each checkpoint. Set FULL again on the writer, the only connection that commits.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try Schema.migrator.migrate(pool)
        commits = GroupCommit(writer: pool)
    }

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await pool.read(body)
    }

    /// Runs `body` in a transaction shared with concurrent writes (group commit); returns once it is durable.
    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await commits.write(body)
    }

    /// `read` with the backend-neutral session: the form every operation moves to (PostgreSQL, #16).
    func readSQL<T: Sendable>(_ body: @Sendable @escaping (any SQLSession) throws -> T) async throws -> T {
        try await read { db in try body(SQLiteSession(db)) }
    }

    /// `write` with the backend-neutral session.
    func writeSQL<T: Sendable>(_ body: @Sendable @escaping (any SQLSession) throws -> T) async throws -> T {
        try await write { db in try body(SQLiteSession(db)) }
    }

    /// Runs `body` in one transaction with an idempotency record: a retried request with the same key gets
    /// the stored response and writes nothing; the same key with a different request is a conflict.
    func idempotent(
        key: String?, request: String, now: Instant,
        _ body: @Sendable @escaping (Database) throws -> (status: Int, response: Data)
    ) async throws -> (status: Int, response: Data) {
        guard let key else { return try await write(body) }
        return try await write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT request, status, response FROM idempotency WHERE key = ?", arguments: [key]) {
                guard (row["request"] as String) == request else {
                    throw StoreError.conflict("idempotency key '\(key)' was already used for a different request; use a new key")
                }
                return (row["status"], row["response"])
            }
            let result = try body(db)
            try db.execute(
                sql: "INSERT INTO idempotency (key, request, status, response, createdAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [key, request, result.status, result.response, now.secondsSinceEpoch])
            return result
        }
    }
}
