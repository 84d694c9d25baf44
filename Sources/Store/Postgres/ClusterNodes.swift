import PostgresNIO

/// The `cluster_node` table: one row per running node, refreshed by its heartbeat (database clock).
struct ClusterNodes: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Upserts `node`'s row (keeping when it started) and removes rows not refreshed for an hour.
    func beat(_ node: ObligationStore.NodeReport) async throws {
        try await connection.run(
            """
            INSERT INTO cluster_node (name, version, fingerprint, role, started_at, seen_at)
            VALUES (\(node.name), \(node.version), \(node.fingerprint), \(node.role), now(), now())
            ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, fingerprint = EXCLUDED.fingerprint,
                role = EXCLUDED.role, seen_at = now()
            """, logger: logger)
        try await connection.run("DELETE FROM cluster_node WHERE seen_at < now() - interval '1 hour'", logger: logger)
    }

    /// Every node, by name.
    func all() async throws -> [ObligationStore.NodeStatus] {
        let rows = try await connection.run(
            """
            SELECT name, version, fingerprint, role, extract(epoch FROM now() - started_at)::float8,
                extract(epoch FROM now() - seen_at)::float8
            FROM cluster_node ORDER BY name
            """, logger: logger)
        var nodes: [ObligationStore.NodeStatus] = []
        for try await (name, version, fingerprint, role, up, seen) in rows.decode((String, String, String, String, Double, Double).self) {
            nodes.append(
                .init(
                    report: .init(name: name, version: version, fingerprint: fingerprint, role: role), upSeconds: up,
                    seenSecondsAgo: seen))
        }
        return nodes
    }
}
