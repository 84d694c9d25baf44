import Foundation

/// What one digest holds, for rendering it: how many change notices, how many of each kind, the
/// first few by due date with their entities, and how many reminders its closes superseded.
package struct DigestContent: Sendable {
    /// The digest's id, which is its webhook-id on every retry.
    package var id: String
    /// How many change notices it carries.
    package var count: Int
    /// How many of each notification kind (raw value), for the breakdown line.
    package var kinds: [String: Int]
    /// The first few notices by due date, with their entities, to be listed in full.
    package var first: [(outbox: OutboxEntry, entity: Entity?)]
    /// Reminders left out because their obligation was closed before they could go (`superseded`).
    package var superseded = 0
}

/// Grouping a receiver's change notices into digests (Alertmanager's group_wait: the first notice
/// waits for the window, then everything queued by then goes as one message).
extension ObligationStore {
    /// Makes the pending change notices of `receiver` that are not in a digest yet members of a new
    /// one, in one transaction: every one but those queued after a pending reminder about the same
    /// obligation (they wait for it, so the chat never reads "moved" or "done" ahead of an earlier
    /// "due"), with the reminders superseded by a close since the last digest, which it counts. A lone
    /// notice with nothing superseded is left alone (it is sent as itself).
    /// - Returns: the digest id (a time-ordered UUID, the message's webhook-id), or nil for one notice.
    package func formDigest(receiver: String, now: Int64) async throws -> String? {
        try await writeSQL { sql in
            let members = """
                receiver = ? AND status = ? AND lane = ? AND digest IS NULL AND NOT EXISTS (
                  SELECT 1 FROM delivery r JOIN outbox ro ON ro.id = r.outboxId JOIN outbox co ON co.id = delivery.outboxId
                  WHERE r.receiver = delivery.receiver AND r.status = ? AND r.lane = ? AND r.id < delivery.id
                    AND ro.obligationId = co.obligationId)
                """
            let arguments: [(any SQLColumn)?] = [
                receiver, DeliveryStatus.pending.rawValue, DeliveryLane.change.rawValue, DeliveryStatus.pending.rawValue,
                DeliveryLane.reminder.rawValue
            ]
            let superseded = "receiver = ? AND status = ? AND digest IS NULL"
            let count = try sql.value(Int.self, "SELECT count(*) AS n FROM delivery WHERE \(members)", arguments) ?? 0
            let left =
                try sql.value(
                    Int.self, "SELECT count(*) AS n FROM delivery WHERE \(superseded)", [receiver, DeliveryStatus.superseded.rawValue])
                ?? 0
            guard count > 1 || (count == 1 && left > 0) else { return nil }
            let id = OutboxID.make(milliseconds: UInt64(max(now, 0)))
            try sql.execute(
                "UPDATE delivery SET digest = ? WHERE \(members)", ([id as (any SQLColumn)?] + arguments).map { $0?.sqlValue ?? .null })
            if left > 0 {
                try sql.execute("UPDATE delivery SET digest = ? WHERE \(superseded)", id, receiver, DeliveryStatus.superseded.rawValue)
            }
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
                WHERE d.receiver = ? AND d.digest = ? AND d.status <> ? GROUP BY o.kind
                """, [receiver, id, DeliveryStatus.superseded.rawValue])
            {
                kinds[try row.decode(0, "outbox.kind") as String] = try row.decode(1, "n") as Int
            }
            // NULLS FIRST: SQLite's order for a member whose obligation is gone, which PostgreSQL sorts last.
            let first = try sql.all(
                OutboxEntry.self,
                """
                SELECT o.* FROM delivery d JOIN outbox o ON o.id = d.outboxId LEFT JOIN obligation b ON b.id = o.obligationId
                WHERE d.receiver = ? AND d.digest = ? AND d.status <> ? ORDER BY b.dueInstant NULLS FIRST, d.id LIMIT ?
                """, [receiver, id, DeliveryStatus.superseded.rawValue, limit])
            let superseded =
                try sql.value(
                    Int.self, "SELECT count(*) AS n FROM delivery WHERE receiver = ? AND digest = ? AND status = ?",
                    [receiver, id, DeliveryStatus.superseded.rawValue]) ?? 0
            return DigestContent(
                id: id, count: kinds.values.reduce(0, +), kinds: kinds,
                first: try first.map { ($0, try Self.entity(of: $0, sql)) }, superseded: superseded)
        }
    }
}
