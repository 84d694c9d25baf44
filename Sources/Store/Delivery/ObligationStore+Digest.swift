import Foundation

/// What one digest holds, for rendering it: how many change notices, how many of each kind, and the
/// first few by due date with their entities.
package struct DigestContent: Sendable {
    package var id: String
    package var count: Int
    package var kinds: [String: Int]
    package var first: [(outbox: OutboxEntry, entity: Entity?)]
}

/// Grouping a receiver's change notices into digests (Alertmanager's group_wait: the first notice
/// waits for the window, then everything queued by then goes as one message).
extension ObligationStore {
    /// Makes every pending change notice of `receiver` that is not in a digest yet a member of a new
    /// one, in one transaction. A lone notice is left alone (it is sent as itself).
    /// - Returns: the digest id (a time-ordered UUID, the message's webhook-id), or nil for one notice.
    package func formDigest(receiver: String, now: Int64) async throws -> String? {
        try await writeSQL { sql in
            let count =
                try sql.value(
                    Int.self,
                    "SELECT count(*) AS n FROM delivery WHERE receiver = ? AND status = 'pending' AND lane = ? AND digest IS NULL",
                    [receiver, DeliveryLane.change.rawValue]) ?? 0
            guard count > 1 else { return nil }
            let id = OutboxID.make(milliseconds: UInt64(max(now, 0)))
            try sql.execute(
                "UPDATE delivery SET digest = ? WHERE receiver = ? AND status = 'pending' AND lane = ? AND digest IS NULL",
                id, receiver, DeliveryLane.change.rawValue)
            return id
        }
    }

    /// The digest's members: their number, their kinds, and the first `limit` by due instant (members
    /// without an obligation first).
    package func digestContent(_ id: String, receiver: String, limit: Int) async throws -> DigestContent {
        try await readSQL { sql in
            var kinds: [String: Int] = [:]
            for row in try sql.rows(
                """
                SELECT o.kind, count(*) AS n FROM delivery d JOIN outbox o ON o.id = d.outboxId
                WHERE d.receiver = ? AND d.digest = ? GROUP BY o.kind
                """, [receiver, id])
            {
                kinds[try row.decode(0, "outbox.kind") as String] = try row.decode(1, "n") as Int
            }
            // NULLS FIRST: SQLite's order for a member whose obligation is gone, which PostgreSQL sorts last.
            let first = try sql.all(
                OutboxEntry.self,
                """
                SELECT o.* FROM delivery d JOIN outbox o ON o.id = d.outboxId LEFT JOIN obligation b ON b.id = o.obligationId
                WHERE d.receiver = ? AND d.digest = ? ORDER BY b.dueInstant NULLS FIRST, d.id LIMIT ?
                """, [receiver, id, limit])
            return DigestContent(
                id: id, count: kinds.values.reduce(0, +), kinds: kinds,
                first: try first.map { ($0, try Self.entity(of: $0, sql)) })
        }
    }
}
