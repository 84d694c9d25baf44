import GRDB
import Synchronization

/// Group commit: concurrent writes that arrive while a transaction is being written join the next
/// one, so many clients share one fsync. Each write runs in its own savepoint, so a failing request
/// rolls back only itself; every caller hears back only after the shared commit is durable.
final class GroupCommit: Sendable {
    /// One request: `run` does it inside the shared transaction and returns what to tell its caller
    /// once committed; `fail` tells the caller of a transaction that could not begin, so `run` never ran.
    struct Job: Sendable {
        let run: @Sendable (Database) -> @Sendable (Result<Void, Error>) -> Void
        let fail: @Sendable (Error) -> Void
    }

    private struct State {
        var jobs: [Job] = []
        var draining = false
    }

    private let writer: DatabasePool
    private let state = Mutex(State())
    /// The most writes one transaction takes, so a flood cannot make a single transaction unbounded.
    private let maxBatch: Int

    init(writer: DatabasePool, maxBatch: Int = 512) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, Error>) in
            let run: @Sendable (Database) -> @Sendable (Result<Void, Error>) -> Void = { db in
                var value: T?
                var failure: Error?
                do {
                    try db.inSavepoint {
                        value = try body(db)
                        return .commit
                    }
                } catch {
                    failure = error
                }
                let outcome = value
                let problem = failure
                return { commit in
                    switch (commit, outcome) {
                    case (.failure(let e), _): continuation.resume(throwing: e)
                    case (.success, _) where problem != nil: continuation.resume(throwing: problem!)
                    case (.success, let v?): continuation.resume(returning: v)
                    case (.success, nil): continuation.resume(throwing: DatabaseError(message: "write produced no result"))
                    }
                }
            }
            let job = Job(run: run, fail: { continuation.resume(throwing: $0) })
            let start = state.withLock { s -> Bool in
                s.jobs.append(job)
                if s.draining { return false }
                s.draining = true
                return true
            }
            if start { writer.asyncWriteWithoutTransaction { db in self.drain(db) } }
        }
    }

    /// Commits one batch on the writer's queue, answers its callers, and if more writes arrived meanwhile
    /// queues the next batch behind it on the same serial queue. The whole loop stays on the writer's
    /// thread: no hop to a task executor and back per transaction, and other writers of the pool
    /// (scheduler, delivery) still get their turn between two batches.
    private func drain(_ db: Database) {
        let batch = state.withLock { s -> [Job] in
            let take = Array(s.jobs.prefix(maxBatch))
            s.jobs.removeFirst(take.count)
            if take.isEmpty { s.draining = false }
            return take
        }
        if batch.isEmpty { return }
        var replies: [@Sendable (Result<Void, Error>) -> Void] = []
        let result: Result<Void, Error>
        do {
            try db.inTransaction {
                replies = batch.map { $0.run(db) }
                return .commit
            }
            result = .success(())
        } catch {
            result = .failure(error)
        }
        for reply in replies { reply(result) }
        // BEGIN itself failed (the database locked past the busy timeout, an I/O error): none of the
        // batch ran, and each caller hears why instead of waiting forever.
        if case let .failure(error) = result, replies.isEmpty {
            for job in batch { job.fail(error) }
        }
        writer.asyncWriteWithoutTransaction { db in self.drain(db) }
    }
}
