import Synchronization

/// Group commit on PostgreSQL: API writes that arrive while the writer lane is busy share the next
/// transaction, each in a savepoint of its own, under one take of the cluster-wide write lock.
///
/// Why: every write holds that lock until its commit is durable, so with one write per transaction
/// the whole cluster ran at one commit (BEGIN, lock, the write's statements, NOTIFY, COMMIT and its
/// WAL flush) at a time, about 300 durable reports a second over three nodes beside PostgreSQL's own
/// 16,000 single-row commits. SQLite's `GroupCommit` does the same on one server. A write that fails
/// is rolled back to its savepoint and fails alone; callers hear back only after the commit.
extension PostgresBackend {
    /// One write waiting for the next transaction.
    struct PendingWrite: Sendable {
        /// Runs the write in the shared transaction (in a savepoint unless it is alone in it);
        /// returns whether it succeeded and how to answer its caller once the transaction ended.
        /// Throws when the transaction is no longer usable (its savepoint could not be released or
        /// rolled back): then the whole group is rolled back, since a COMMIT would silently not be one.
        let run: @Sendable (PostgresSession, _ alone: Bool) throws -> (ok: Bool, answer: @Sendable (Result<Void, any Error>) -> Void)
        /// Answers a caller whose write never ran (the transaction could not begin).
        let fail: @Sendable (any Error) -> Void
    }

    /// The writes waiting, and whether a drain is queued on the writer lane.
    struct PendingWrites: Sendable {
        var writes: [PendingWrite] = []
        var draining = false
    }

    /// The most writes one transaction takes, so a flood cannot make one transaction unbounded.
    static let groupLimit = 256

    /// Runs `body` in the next group transaction on the writer lane; returns once it committed.
    func groupWrite<T: Sendable>(_ body: @Sendable @escaping (any SQLSession) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let write = PendingWrite(
                run: { session, alone in
                    if !alone { try session.run("SAVEPOINT grouped", []) }
                    let value: T
                    do { value = try body(session) } catch {
                        if !alone { try session.run("ROLLBACK TO SAVEPOINT grouped", []) }
                        // Its own error, unless the group's commit failed: then nothing was kept.
                        return (false, { ended in continuation.resume(throwing: ended.failure ?? error) })
                    }
                    if !alone { try session.run("RELEASE SAVEPOINT grouped", []) }
                    return (true, { ended in continuation.resume(with: ended.map { value }) })
                },
                fail: { continuation.resume(throwing: $0) })
            let start = pending.withLock { p -> Bool in
                p.writes.append(write)
                if p.draining { return false }
                p.draining = true
                return true
            }
            if start { writer.queue.async { self.drain() } }
        }
    }

    /// Commits one group on the writer lane's thread, answers its callers, and queues the next group
    /// behind it when more writes arrived meanwhile (fenced writes on the lane get their turn between).
    private func drain() {
        let group = pending.withLock { p -> [PendingWrite] in
            let take = Array(p.writes.prefix(Self.groupLimit))
            p.writes.removeFirst(take.count)
            if take.isEmpty { p.draining = false }
            return take
        }
        if group.isEmpty { return }
        var answers: [@Sendable (Result<Void, any Error>) -> Void] = []
        var ended: Result<Void, any Error> = .success(())
        do {
            let session = PostgresSession(try writer.open(self), logger: logger)
            try session.run("BEGIN", [])
            do {
                try session.run("SELECT pg_advisory_xact_lock(\(Self.writeLock))", [])
                var anyDone = false
                for write in group {
                    let (ok, answer) = try write.run(session, group.count == 1)
                    answers.append(answer)
                    anyDone = anyDone || ok
                }
                // A write alone in its transaction that failed has no savepoint to undo it. NOTIFY
                // before COMMIT also fails in a transaction an error left aborted, whose COMMIT
                // PostgreSQL would answer with a rollback and no error.
                if anyDone {
                    try session.run("SELECT pg_notify('\(Self.changes)', '')", [])
                    try session.run("COMMIT", [])
                } else {
                    try session.run("ROLLBACK", [])
                }
            } catch {
                _ = try? session.run("ROLLBACK", [])
                throw error
            }
        } catch {
            ended = .failure(error)
        }
        for answer in answers { answer(ended) }
        if case .failure(let error) = ended {
            for write in group.dropFirst(answers.count) { write.fail(error) }
        }
        writer.queue.async { self.drain() }
    }
}

extension Result {
    /// The error, or nil on success.
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
