/// The nodes on one database, for `obligctl cluster status`, health and the configuration agreement.
extension ObligationStore {
    /// What a node says of itself on each heartbeat.
    package struct NodeReport: Sendable, Equatable {
        /// Unique per process (host:pid): the lease's holder name.
        package var name: String
        /// obligd's version.
        package var version: String
        /// Its configuration's fingerprint (calendars and rules).
        package var fingerprint: String
        /// `leader`, `follower` or `disagrees`.
        package var role: String

        /// A node's report of itself, as its heartbeat writes it.
        package init(name: String, version: String, fingerprint: String, role: String) {
            self.name = name
            self.version = version
            self.fingerprint = fingerprint
            self.role = role
        }
    }

    /// A node as the database last saw it.
    package struct NodeStatus: Sendable, Equatable {
        /// What the node last said of itself.
        package var report: NodeReport
        /// Seconds since the node started, and since its last heartbeat (database clock).
        package var upSeconds: Double
        /// Seconds since its last heartbeat, on the database's clock.
        package var seenSecondsAgo: Double
    }

    /// The cluster: the lease (nil before any node led) and every node seen in the last hour.
    package struct ClusterStatus: Sendable, Equatable {
        /// The lease as it stands: holder, epoch and expiry.
        package var lease: LeaseStatus?
        /// The nodes seen in the last hour.
        package var nodes: [NodeStatus]
    }

    /// Records that `node` is alive now (PostgreSQL; nothing on SQLite), and forgets nodes not seen
    /// for an hour.
    package func heartbeat(_ node: NodeReport) async throws {
        guard case let .postgres(pg) = backend else { return }
        try await pg.withConnection { connection in try await ClusterNodes(connection: connection, logger: pg.logger).beat(node) }
    }

    /// The lease and the nodes (PostgreSQL); nil on SQLite, where the one obligd is the cluster.
    package func clusterStatus() async throws -> ClusterStatus? {
        guard case let .postgres(pg) = backend else { return nil }
        return try await pg.withConnection { connection in
            ClusterStatus(
                lease: try await LeaderLeases(connection: connection, logger: pg.logger).current(),
                nodes: try await ClusterNodes(connection: connection, logger: pg.logger).all())
        }
    }
}
