/// Which node of a database may run the scheduler, delivery and recomputation, and write at all.
///
/// On SQLite the state directory's lock already makes the running obligd the only one. On PostgreSQL
/// the node takes the database's lease (`leader_lease`, an epoch per holder) and every write
/// transaction passes its fence: a node paused past its lease and overtaken commits nothing.
extension ObligationStore {
    /// What `lead` found.
    package enum Leadership: Sendable, Equatable {
        /// This node leads (always on SQLite); on PostgreSQL under this lease epoch.
        case leading(epoch: Int64?)
        /// Another node holds the lease.
        case follower(holder: String, epoch: Int64, expiresInSeconds: Int64)
    }

    /// Takes the lease for `node` for `ttlSeconds` (PostgreSQL), or leads at once (SQLite).
    package func lead(node: String, ttlSeconds: Int64) async throws -> Leadership {
        guard case let .postgres(pg) = backend else { return .leading(epoch: nil) }
        let found = try await pg.lead(node: node, ttl: Duration.seconds(ttlSeconds))
        if let taken = found.taken { return .leading(epoch: taken.epoch) }
        guard let holder = found.holder else { throw PostgresFailure.disconnected }
        return .follower(holder: holder.holder, epoch: holder.epoch, expiresInSeconds: max(0, holder.expiresIn.components.seconds))
    }

    /// Extends the lease; false once it is lost (then every write fails its fence). Always true on SQLite.
    package func renewLeadership() async throws -> Bool {
        guard case let .postgres(pg) = backend else { return true }
        return try await pg.renew()
    }

    /// Gives the lease up at a clean stop, so another node can take over without waiting for it to expire.
    package func resign() async {
        if case let .postgres(pg) = backend { await pg.resign() }
    }
}
