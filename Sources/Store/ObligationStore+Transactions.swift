import DeadlineKit
import Foundation
import GRDB
import Rules

extension ObligationStore {
    /// Runs `body` with a `Recorder` in one group-committed transaction and returns once it is
    /// durable: a fact and everything it causes (obligations, audit rows, outbox rows) commit together
    /// or not at all. This, not SQL, is how the daemon's services change state.
    ///
    /// `now` is the instant the change is recorded at; Store never reads the clock itself.
    package func transaction<T: Sendable>(
        config: Rules.Configuration, now: Instant, actor: String,
        _ body: @Sendable @escaping (Recorder) throws -> T
    ) async throws -> T {
        try await translatingConstraints {
            try await writeSQL { sql in try body(Recorder(sql: sql, config: config, now: now, actor: actor)) }
        }
    }

    /// `transaction` with an idempotency record: a retry with the same `key` and `request` gets the
    /// stored status and response and writes nothing; the same key with another request is a conflict.
    package func transaction(
        config: Rules.Configuration, now: Instant, actor: String, idempotencyKey key: String?, request: String,
        _ body: @Sendable @escaping (Recorder) throws -> (status: Int, response: Data)
    )
        async throws -> (status: Int, response: Data)
    {
        try await translatingConstraints {
            try await idempotent(key: key, request: request, now: now) { sql in
                try body(Recorder(sql: sql, config: config, now: now, actor: actor))
            }
        }
    }

    /// Runs `body` with a read-only `Recorder` on a snapshot: what the API lists and explains.
    package func snapshot<T: Sendable>(
        config: Rules.Configuration, now: Instant,
        _ body: @Sendable @escaping (Recorder) throws -> T
    ) async throws -> T {
        try await readSQL { sql in try body(Recorder(sql: sql, config: config, now: now, actor: "reader")) }
    }

    /// A write that breaks a database constraint conflicts with stored data: a client error (409),
    /// never an internal one.
    private func translatingConstraints<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            throw StoreError.conflict("conflicts with stored data: \(e.message ?? "constraint failed")")
        } catch let e as PostgresStatementError where e.isConstraint {
            throw StoreError.conflict("conflicts with stored data: \(e.message)")
        }
    }
}
