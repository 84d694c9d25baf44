import PostgresNIO

extension PostgresBackend {
    /// `LISTEN`s on `changes` on a connection of its own, calling `onChange` for each notification
    /// and once after every (re)connection; a broken connection is opened again after a second.
    /// Returns when the task is cancelled.
    func watchChanges(_ onChange: @escaping @Sendable () -> Void) async {
        var first = true
        while !Task.isCancelled {
            do {
                try await withConnection { connection in
                    let notifications = try await connection.listen(Self.changes)
                    if !first { onChange() }
                    first = false
                    for try await _ in notifications { onChange() }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("listening for changes on PostgreSQL failed, again in 1 s: \(PostgresFailure.reason(error))")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}
