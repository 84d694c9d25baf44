import APIModel
import Hummingbird
import Store

/// This node's place in the cluster, for the API: its role and how long the lease lasts (a node
/// seen within it is live).
struct ClusterNode: Sendable {
    let leadership: Leadership
    let leaseSeconds: Int64
}

/// `GET /v1/cluster`: the lease, the leader and every node with its configuration fingerprint.
extension APIServer {
    func addClusterRoute(to router: Router<BasicRequestContext>) {
        router.get("/v1/cluster") { _, _ in await self.handle { try await self.cluster() } }
    }

    func cluster() async throws -> ClusterView {
        let own = ConfigFingerprint.of(config.configuration)
        let role = node.leadership.role.name
        guard let status = try await store.clusterStatus() else {
            let me = ClusterNodeView(
                name: DatabaseOption.nodeName, version: Self.version, fingerprint: own, role: role, upSeconds: 0,
                lastSeenSecondsAgo: 0, live: true, agrees: true)
            return ClusterView(backend: "sqlite", node: me.name, role: role, fingerprint: own, nodes: [me])
        }
        let lease = status.lease
        let cluster = lease?.fingerprint ?? own
        return ClusterView(
            backend: "postgresql", node: DatabaseOption.nodeName, role: role, fingerprint: own, leader: lease?.holder,
            epoch: lease?.epoch, leaseAgeSeconds: lease.map { Self.seconds($0.heldFor) },
            leaseExpiresInSeconds: lease.map { Self.seconds($0.expiresIn) }, clusterFingerprint: lease?.fingerprint,
            nodes: status.nodes.map { n in
                ClusterNodeView(
                    name: n.report.name, version: n.report.version, fingerprint: n.report.fingerprint, role: n.report.role,
                    upSeconds: n.upSeconds, lastSeenSecondsAgo: n.seenSecondsAgo, live: n.seenSecondsAgo < Double(node.leaseSeconds),
                    agrees: n.report.fingerprint == cluster)
            })
    }

    private static func seconds(_ d: Duration) -> Double {
        ((Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18) * 1000).rounded() / 1000
    }
}
