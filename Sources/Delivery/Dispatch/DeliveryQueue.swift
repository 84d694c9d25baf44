import Foundation
import GRDB
import Store

/// The SQL behind delivery: reading undispatched outbox rows, creating one delivery row per matching
/// receiver, finding each receiver's next message, and recording outcomes. Every change is one
/// transaction, so a crash leaves each delivery either before or after an outcome, never between.
struct DeliveryQueue: Sendable {
    let store: ObligationStore

    /// Outbox rows not yet journaled and routed, oldest first.
    func undispatched(limit: Int) async throws -> [OutboxEntry] {
        try await store.read { db in
            try OutboxEntry.fetchAll(db, sql: "SELECT * FROM outbox WHERE status = 'pending' ORDER BY rowid LIMIT ?", arguments: [limit])
        }
    }

    struct Routing: Sendable {
        var outboxId: String
        var receivers: [String]
    }

    /// Marks the rows dispatched and creates their delivery rows, in outbox order so that delivery ids
    /// give each receiver's order. Rows already dispatched (a second daemon, a replay) are left alone.
    func dispatch(_ routings: [Routing], invalid: [(id: String, error: String)], now: Int64) async throws {
        try await store.write { db in
            for r in routings {
                try db.execute(sql: "UPDATE outbox SET status = 'dispatched' WHERE id = ? AND status = 'pending'", arguments: [r.outboxId])
                guard db.changesCount == 1 else { continue }
                for name in r.receivers {
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO delivery (outboxId, receiver, status, attempts, createdAt, nextAttemptAt)
                        VALUES (?, ?, 'pending', 0, ?, ?)
                        """, arguments: [r.outboxId, name, now, now])
                }
            }
            for (id, error) in invalid {
                try db.execute(sql: "UPDATE outbox SET status = 'invalid', lastError = ? WHERE id = ? AND status = 'pending'", arguments: [error, id])
            }
        }
    }

    struct Head: Sendable {
        var delivery: DeliveryRecord
        var outbox: OutboxEntry
        var entity: Entity?
    }

    /// A receiver's oldest pending delivery, with its outbox row and entity.
    func head(of receiver: String) async throws -> Head? {
        try await store.read { db in
            guard let d = try DeliveryRecord.fetchOne(db, sql: "SELECT * FROM delivery WHERE receiver = ? AND status = 'pending' ORDER BY id LIMIT 1",
                                                     arguments: [receiver]),
                  let o = try OutboxEntry.fetchOne(db, key: d.outboxId) else { return nil }
            let payloadEntity = (try? JSONSerialization.jsonObject(with: Data(o.payload.utf8)) as? [String: Any])?["entity"] as? String
            let e = try payloadEntity.flatMap { try Entity.fetchOne(db, key: $0) }
            return Head(delivery: d, outbox: o, entity: e)
        }
    }

    func entity(_ id: String) async throws -> Entity? {
        try await store.read { db in try Entity.fetchOne(db, key: id) }
    }

    /// Records one attempt's outcome: the delivery row, the outbox row's attempt count and last error,
    /// and an audit row when the delivery is given up.
    func record(_ updated: DeliveryRecord, auditNote: String?) async throws {
        try await store.write { db in
            try updated.update(db)
            try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1, lastError = ? WHERE id = ?",
                           arguments: [updated.status == .delivered ? nil : updated.lastError, updated.outboxId])
            if let auditNote {
                var a = AuditEntry(id: nil, at: updated.lastAttemptAt.map { $0 / 1000 } ?? 0, actor: "obligd", action: "delivery.dead",
                                   subject: "outbox:\(updated.outboxId)", before: nil, after: nil, note: auditNote)
                try a.insert(db)
            }
        }
    }
}
