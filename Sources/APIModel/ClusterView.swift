/// `GET /v1/cluster` and `obligctl cluster status`: which node leads, under which lease, and whether
/// every node runs the same configuration.
package struct ClusterView: Codable, Sendable, Equatable {
    /// `sqlite` (one obligd, standalone) or `postgresql`.
    package var backend: String
    /// The node that answered, and its role: `standalone`, `leader`, `follower`, `disagrees` (its
    /// configuration differs from the cluster's, so it does not lead) or `unreachable`.
    package var node: String
    /// Its role, one of those named above.
    package var role: String
    /// The answering node's configuration fingerprint (calendars and rules).
    package var fingerprint: String
    /// The lease: its holder, epoch, how long it has been held and how long until it expires unless
    /// renewed (negative: expired), and the configuration fingerprint it leads under, the cluster's.
    package var leader: String?
    /// The lease's epoch: one more for each new holder; what fences a former leader's writes.
    package var epoch: Int64?
    /// How long its holder has held it, in seconds.
    package var leaseAgeSeconds: Double?
    /// Seconds until it expires unless renewed; negative: expired, and no node leads.
    package var leaseExpiresInSeconds: Double?
    /// The configuration the leader runs under: a node must share it to lead.
    package var clusterFingerprint: String?
    /// Every node seen in the last hour.
    package var nodes: [ClusterNodeView]

    /// Builds the view; the lease members are nil on SQLite, which has no lease.
    package init(
        backend: String, node: String, role: String, fingerprint: String, leader: String? = nil, epoch: Int64? = nil,
        leaseAgeSeconds: Double? = nil, leaseExpiresInSeconds: Double? = nil, clusterFingerprint: String? = nil,
        nodes: [ClusterNodeView]
    ) {
        self.backend = backend
        self.node = node
        self.role = role
        self.fingerprint = fingerprint
        self.leader = leader
        self.epoch = epoch
        self.leaseAgeSeconds = leaseAgeSeconds
        self.leaseExpiresInSeconds = leaseExpiresInSeconds
        self.clusterFingerprint = clusterFingerprint
        self.nodes = nodes
    }
}

/// One node as the database last saw it.
package struct ClusterNodeView: Codable, Sendable, Equatable {
    /// The node's name (host:pid), as its heartbeat records it.
    package var name: String
    /// The obligd version it runs.
    package var version: String
    /// Its configuration fingerprint (calendars and rules), compared with the cluster's in `agrees`.
    package var fingerprint: String
    /// Its role: the one of its last heartbeat while it is live, `down` once it was not seen within
    /// the lease, so a leader that died is never listed as a second leader during an incident.
    package var role: String
    /// The role of its last heartbeat, for a node that is down (`down (was leader)`); nil while live.
    package var lastRole: String?
    /// How long it has been running, in seconds.
    package var upSeconds: Double
    /// How long ago its last heartbeat was, in seconds.
    package var lastSeenSecondsAgo: Double
    /// Seen within the lease's length: running.
    package var live: Bool
    /// Its fingerprint is the cluster's.
    package var agrees: Bool

    /// The role of a node not seen within the lease.
    package static let down = "down"

    /// `role` is the role of its last heartbeat; a node that is not `live` is listed as `down`.
    package init(
        name: String, version: String, fingerprint: String, role: String, upSeconds: Double, lastSeenSecondsAgo: Double,
        live: Bool, agrees: Bool
    ) {
        self.name = name
        self.version = version
        self.fingerprint = fingerprint
        self.role = live ? role : Self.down
        self.lastRole = live ? nil : role
        self.upSeconds = upSeconds
        self.lastSeenSecondsAgo = lastSeenSecondsAgo
        self.live = live
        self.agrees = agrees
    }
}
