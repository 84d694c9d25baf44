import Foundation

/// The operations behind `obligctl outbox list|retry|drop`: what is queued, dead-lettered or
/// delivered, and an operator's decisions about it, each audited.
extension ObligationStore {
    /// Outbox rows, newest first, with each receiver's delivery state.
    /// - Parameters:
    ///   - digest: only the members of this digest (the webhook-id a digest message carried).
    ///   - obligation: only what was said about this obligation (its page shows what was sent to whom).
    package func listOutbox(
        filter: OutboxFilter = .all, digest: String? = nil, obligation: Int64? = nil, limit: Int = 100
    ) async throws -> [OutboxItem] {
        var condition: String =
            switch filter {
            case .all: "1 = 1"
            case .pending: "(o.status = 'pending' OR EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status = 'pending'))"
            case .dead: "EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status = 'dead')"
            case .delivered:
                "(o.status = 'dispatched' AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status <> 'delivered'))"
            }
        var arguments: [SQLValue] = []
        if let digest {
            condition += " AND EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.digest = ?)"
            arguments.append(digest.sqlValue)
        }
        if let obligation {
            condition += " AND o.obligationId = ?"
            arguments.append(obligation.sqlValue)
        }
        arguments.append(max(1, min(limit, 10_000)).sqlValue)
        return try await readSQL { [arguments, condition] sql in
            var rows: [OutboxEntry] = []
            try sql.forEach(
                "SELECT o.* FROM outbox o WHERE \(condition) ORDER BY \(Self.outboxOrder(sql.dialect, alias: "o")) DESC LIMIT ?", arguments
            ) { rows.append(try OutboxEntry(row: $0)) }
            return try rows.map { o in
                let ds = try sql.all(DeliveryRecord.self, "SELECT * FROM delivery WHERE outboxId = ? ORDER BY receiver", [o.id])
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
        try await writeSQL { sql -> Int in
            if let outboxId, try Self.outboxEntry(outboxId, sql) == nil { throw StoreError.notFound("outbox \(outboxId)") }
            var condition = "status = 'dead'"
            var arguments: [SQLValue] = []
            if let outboxId {
                condition += " AND outboxId = ?"
                arguments.append(outboxId.sqlValue)
            }
            if let receiver {
                condition += " AND receiver = ?"
                arguments.append(receiver.sqlValue)
            }
            var dead: [(outboxId: String, receiver: String, lastError: String?)] = []
            try sql.forEach("SELECT outboxId, receiver, lastError FROM delivery WHERE \(condition) ORDER BY id", arguments) {
                dead.append(
                    (try $0.decode(0, "delivery.outboxId"), try $0.decode(1, "delivery.receiver"), try $0.decode(2, "delivery.lastError")))
            }
            guard !dead.isEmpty else {
                let what = outboxId.map { "outbox \($0) has" } ?? "there are"
                throw StoreError.conflict("\(what) no dead deliveries\(receiver.map { " to \($0)" } ?? "") to retry")
            }
            try sql.execute(
                "UPDATE delivery SET status = 'pending', attempts = 0, firstAttemptAt = NULL, nextAttemptAt = ? WHERE \(condition)",
                [now.sqlValue] + arguments)
            var tip = try AuditTrail.tip(sql)
            for d in dead {
                tip = try AuditTrail.append(
                    sql, after: tip, at: now / 1000, actor: actor, action: .deliveryRetry, subject: "outbox:\(d.outboxId)",
                    before: DeliveryStatus.dead.rawValue, after: DeliveryStatus.pending.rawValue,
                    note: "receiver \(d.receiver); last error: \(d.lastError ?? "none")")
            }
            return dead.count
        }
    }

    /// Drops the undelivered deliveries of an outbox row (all receivers, or one); a row not yet
    /// dispatched is dropped whole and never sent. Audited with the reason.
    /// - Returns: the number of deliveries dropped (0 when only the undispatched row was dropped).
    package func dropDeliveries(outboxId: String, receiver: String?, actor: String, reason: String?, now: Int64) async throws -> Int {
        try await writeSQL { sql -> Int in
            guard let o = try Self.outboxEntry(outboxId, sql) else { throw StoreError.notFound("outbox \(outboxId)") }
            if o.status == .pending, receiver == nil {
                try sql.execute("UPDATE outbox SET status = 'dropped' WHERE id = ?", outboxId)
                try AuditTrail.append(
                    sql, at: now / 1000, actor: actor, action: .outboxDropped, subject: "outbox:\(outboxId)",
                    before: OutboxStatus.pending.rawValue, after: OutboxStatus.dropped.rawValue, note: reason)
                return 0
            }
            var condition = "outboxId = ? AND status IN ('pending', 'dead')"
            var arguments = [outboxId.sqlValue]
            if let receiver {
                condition += " AND receiver = ?"
                arguments.append(receiver.sqlValue)
            }
            // By receiver, the order SQLite read them in through the (outboxId, receiver) key when none was given.
            var open: [(receiver: String, status: String)] = []
            try sql.forEach("SELECT receiver, status FROM delivery WHERE \(condition) ORDER BY receiver", arguments) {
                open.append((try $0.decode(0, "delivery.receiver"), try $0.decode(1, "delivery.status")))
            }
            guard !open.isEmpty else {
                throw StoreError.conflict("outbox \(outboxId) has nothing undelivered\(receiver.map { " to \($0)" } ?? "") to drop")
            }
            try sql.execute("UPDATE delivery SET status = 'dropped' WHERE \(condition)", arguments)
            var tip = try AuditTrail.tip(sql)
            for d in open {
                tip = try AuditTrail.append(
                    sql, after: tip, at: now / 1000, actor: actor, action: .deliveryDropped, subject: "outbox:\(outboxId)",
                    before: d.status, after: DeliveryStatus.dropped.rawValue,
                    note: "receiver \(d.receiver)" + (reason.map { ": \($0)" } ?? ""))
            }
            return open.count
        }
    }
}
