import Foundation
import GRDB

/// The operations behind `obligctl outbox list|retry|drop`: what is queued, dead-lettered or
/// delivered, and an operator's decisions about it, each audited.
extension ObligationStore {
    /// Outbox rows, newest first, with each receiver's delivery state.
    /// - Parameter digest: only the members of this digest (the webhook-id a digest message carried).
    package func listOutbox(filter: OutboxFilter = .all, digest: String? = nil, limit: Int = 100) async throws -> [OutboxItem] {
        var condition: String =
            switch filter {
            case .all: "1"
            case .pending: "(o.status = 'pending' OR EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status = 'pending'))"
            case .dead: "EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status = 'dead')"
            case .delivered:
                "(o.status = 'dispatched' AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status <> 'delivered'))"
            }
        var arguments: StatementArguments = []
        if let digest {
            condition += " AND EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.digest = ?)"
            arguments += [digest]
        }
        arguments += [max(1, min(limit, 10_000))]
        return try await read { [arguments, condition] db in
            let rows = try OutboxEntry.fetchAll(
                db, sql: "SELECT o.* FROM outbox o WHERE \(condition) ORDER BY o.rowid DESC LIMIT ?",
                arguments: arguments)
            return try rows.map { o in
                let ds = try DeliveryRecord.fetchAll(
                    db, sql: "SELECT * FROM delivery WHERE outboxId = ? ORDER BY receiver", arguments: [o.id])
                return OutboxItem(
                    id: o.id, createdAt: o.createdAt, kind: o.kind, obligationId: o.obligationId, status: o.status,
                    lastError: o.lastError, deliveries: ds)
            }
        }
    }

    /// Revives dead deliveries, with a fresh retry budget. Each goes back to its place in its lane (its
    /// id), so dead letters revived together are sent in the order they were first queued, ahead of
    /// the receiver's newer messages. Audited, one row per delivery.
    /// - Parameters:
    ///   - outboxId: one outbox row's dead deliveries; nil: every dead delivery of `receiver`.
    /// - Returns: the number of deliveries revived.
    package func retryDeliveries(outboxId: String?, receiver: String?, actor: String, now: Int64) async throws -> Int {
        try await write { db -> Int in
            if let outboxId, try OutboxEntry.fetchOne(db, key: outboxId) == nil { throw StoreError.notFound("outbox \(outboxId)") }
            let dead = try DeliveryRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM delivery WHERE status = 'dead' AND (? IS NULL OR outboxId = ?) AND (? IS NULL OR receiver = ?) ORDER BY id
                    """, arguments: [outboxId, outboxId, receiver, receiver])
            guard !dead.isEmpty else {
                let what = outboxId.map { "outbox \($0) has" } ?? "there are"
                throw StoreError.conflict("\(what) no dead deliveries\(receiver.map { " to \($0)" } ?? "") to retry")
            }
            for var d in dead {
                let before = d.lastError
                d.status = .pending
                d.attempts = 0
                d.firstAttemptAt = nil
                d.nextAttemptAt = now
                try d.update(db)
                let a = AuditEntry(
                    at: now / 1000, actor: actor, action: "delivery.retry", subject: "outbox:\(d.outboxId)",
                    before: "dead", after: "pending", note: "receiver \(d.receiver); last error: \(before ?? "none")")
                try AuditTrail.append(db, a)
            }
            return dead.count
        }
    }

    /// Drops the undelivered deliveries of an outbox row (all receivers, or one); a row not yet
    /// dispatched is dropped whole and never sent. Audited with the reason.
    /// - Returns: the number of deliveries dropped (0 when only the undispatched row was dropped).
    package func dropDeliveries(outboxId: String, receiver: String?, actor: String, reason: String?, now: Int64) async throws -> Int {
        try await write { db -> Int in
            guard let o = try OutboxEntry.fetchOne(db, key: outboxId) else { throw StoreError.notFound("outbox \(outboxId)") }
            if o.status == "pending", receiver == nil {
                try db.execute(sql: "UPDATE outbox SET status = 'dropped' WHERE id = ?", arguments: [outboxId])
                let a = AuditEntry(
                    at: now / 1000, actor: actor, action: "outbox.dropped", subject: "outbox:\(outboxId)",
                    before: "pending", after: "dropped", note: reason)
                try AuditTrail.append(db, a)
                return 0
            }
            let open = try DeliveryRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM delivery WHERE outboxId = ? AND status IN ('pending', 'dead') AND (? IS NULL OR receiver = ?)
                    """, arguments: [outboxId, receiver, receiver])
            guard !open.isEmpty else {
                throw StoreError.conflict("outbox \(outboxId) has nothing undelivered\(receiver.map { " to \($0)" } ?? "") to drop")
            }
            for var d in open {
                let before = d.status.rawValue
                d.status = .dropped
                try d.update(db)
                let a = AuditEntry(
                    at: now / 1000, actor: actor, action: "delivery.dropped", subject: "outbox:\(outboxId)",
                    before: before, after: "dropped", note: "receiver \(d.receiver)" + (reason.map { ": \($0)" } ?? ""))
                try AuditTrail.append(db, a)
            }
            return open.count
        }
    }
}
