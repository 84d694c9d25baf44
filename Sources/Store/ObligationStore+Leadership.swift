/// Which node of a database runs the scheduler, delivery and recomputation: the leader.
///
/// On SQLite the state directory's lock already makes the running obligd the only one, so it leads.
/// On PostgreSQL any number of nodes serve the API; the one holding the database's lease
/// (`leader_lease`, an epoch per holder) leads, and its leader's writes (`forLeader()`) pass the
/// lease's fence: a node paused past its lease and overtaken commits no claim.
extension ObligationStore {
    /// What `lead` found.
    package enum Leadership: Sendable, Equatable {
        /// This node leads (always on SQLite); on PostgreSQL under this lease epoch.
        case leading(epoch: Int64?)
        /// Another node holds the lease (or held it last, with the cluster's configuration
        /// `fingerprint`, which this node does not share while a node that does is running).
        /// `expiresIn`: until the lease expires unless renewed (when this node may try again).
        case follower(holder: String, epoch: Int64, expiresIn: Duration, fingerprint: String)
    }

    /// Takes the lease for `node` for `ttlSeconds` under configuration `fingerprint` (PostgreSQL), or
    /// leads at once (SQLite). See `LeaderLeases.acquire` for when a node with another fingerprint may.
    package func lead(node: String, ttlSeconds: Int64, fingerprint: String = "") async throws -> Leadership {
        guard case let .postgres(pg) = backend else { return .leading(epoch: nil) }
        let found = try await pg.lead(node: node, ttl: Duration.seconds(ttlSeconds), fingerprint: fingerprint)
        if let taken = found.taken { return .leading(epoch: taken.epoch) }
        guard let holder = found.holder else { throw PostgresFailure.disconnected }
        return .follower(
            holder: holder.holder, epoch: holder.epoch, expiresIn: max(.zero, holder.expiresIn), fingerprint: holder.fingerprint)
    }

    /// Extends the lease, with the leader's configuration `fingerprint` (it changes on a reload);
    /// false once it is lost (then every leader's write fails its fence). Always true on SQLite.
    package func renewLeadership(fingerprint: String? = nil) async throws -> Bool {
        guard case let .postgres(pg) = backend else { return true }
        return try await pg.renew(fingerprint: fingerprint)
    }

    /// Stops leading without reaching the database: renewals failed for the lease's length, so it has
    /// expired by now and another node may lead.
    package func stepDown() {
        if case let .postgres(pg) = backend { pg.dropLease() }
    }

    /// Gives the lease up at a clean stop, so another node can take over without waiting for it to expire.
    package func resign() async {
        if case let .postgres(pg) = backend { await pg.resign() }
    }

    /// Throws `LeaseLost` or `NotLeading` unless this node still holds the current lease (PostgreSQL,
    /// on the `forLeader()` view): what delivery checks just before it sends a message.
    package func confirmLeading() async throws {
        guard fencing, case let .postgres(pg) = backend else { return }
        try await pg.confirmLease()
    }

    /// Calls `onChange` whenever a node commits a write that is not the leader's (PostgreSQL's
    /// `LISTEN`), and once after each reconnection (what changed while the connection was down is
    /// unknown), until the task is cancelled. What the leader uses to wake its scheduler and
    /// delivery for a fact recorded through another node. On SQLite it returns at once: every write
    /// goes through this process, which wakes them itself.
    package func watchChanges(_ onChange: @escaping @Sendable () -> Void) async {
        guard case let .postgres(pg) = backend else { return }
        await pg.watchChanges(onChange)
    }
}
