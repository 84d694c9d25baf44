import Foundation

/// A routed outbox row: which receivers take it, and in which lane.
package struct DeliveryRouting: Sendable {
    /// The outbox row routed.
    package var outboxId: String
    /// The receivers whose routes take it; empty when none does.
    package var receivers: [String]
    /// The lane its deliveries wait in, by the notice's kind.
    package var lane: DeliveryLane
    /// The obligation this notice closes (`NotificationKind.closesObligation`): its reminders still
    /// queued for these receivers are superseded by it.
    package var closes: Int64?
    /// A routing decision, as Delivery makes it from the receivers' routes.
    package init(outboxId: String, receivers: [String], lane: DeliveryLane, closes: Int64? = nil) {
        self.outboxId = outboxId
        self.receivers = receivers
        self.lane = lane
        self.closes = closes
    }
}

/// The message a receiver is to be sent next, with its outbox row and entity.
package struct DeliveryHead: Sendable {
    /// The receiver's delivery row to send.
    package var delivery: DeliveryRecord
    /// The outbox row it delivers (kind, payload).
    package var outbox: OutboxEntry
    /// The entity the payload names, for the wording and mentions; nil when it names none or it is gone.
    package var entity: Entity?
    /// A change notice that goes now because a reminder about the same obligation waits behind it.
    package var aheadOfReminder = false
}

/// The delivery queue: reading undispatched outbox rows, creating one delivery row per matching
/// receiver, finding each receiver's next message, and recording outcomes. Every change is one
/// transaction, so a crash leaves each delivery either before or after an outcome, never between.
extension ObligationStore {
    /// The outbox's insertion order, for `ORDER BY` (`alias`: the outbox's name in the statement, if
    /// any). Why not `id`: the ids of the rows one transaction writes share their time prefix and are
    /// random after it, and per-obligation order (opened before moved) must be kept. SQLite has it in
    /// the implicit `rowid`; the PostgreSQL schema is to give the outbox an identity column `seq`.
    static func outboxOrder(_ dialect: SQLDialect, alias: String? = nil) -> String {
        let column =
            switch dialect {
            case .sqlite: "rowid"
            case .postgres: "seq"
            }
        return alias.map { "\($0).\(column)" } ?? column
    }

    /// Outbox rows not yet journaled and routed, oldest first.
    package func undispatchedOutbox(limit: Int) async throws -> [OutboxEntry] {
        try await readSQL { sql in
            var rows: [OutboxEntry] = []
            try sql.forEach(
                "SELECT * FROM outbox WHERE status = 'pending' ORDER BY \(Self.outboxOrder(sql.dialect)) LIMIT ?", [limit.sqlValue]
            ) { rows.append(try OutboxEntry(row: $0)) }
            return rows
        }
    }

    /// Marks the rows dispatched and creates their delivery rows, in outbox order so that delivery ids
    /// give each lane's order. Rows already dispatched (a second daemon, a replay) are left alone.
    /// A close supersedes the reminders about its obligation still pending for its receivers (queued
    /// before it: a paused or backlogged receiver), so none is sent after the close as if it were open.
    package func dispatch(_ routings: [DeliveryRouting], invalid: [(id: String, error: String)], now: Int64) async throws {
        // No audit row and conditional updates only: no cluster-wide lock needed (`writeSQL`).
        try await writeSQL(serialized: false) { sql in
            for r in routings {
                guard try sql.execute("UPDATE outbox SET status = 'dispatched' WHERE id = ? AND status = 'pending'", r.outboxId) == 1
                else { continue }
                for name in r.receivers {
                    try sql.execute(
                        """
                        INSERT INTO delivery (outboxId, receiver, status, attempts, createdAt, nextAttemptAt, lane)
                        VALUES (?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (outboxId, receiver) DO NOTHING
                        """, r.outboxId, name, now, now, r.lane.rawValue)
                }
                guard let obligation = r.closes else { continue }
                for name in r.receivers {
                    try sql.execute(
                        """
                        UPDATE delivery SET status = ?, lastError = ? WHERE receiver = ? AND status = ? AND lane = ?
                        AND outboxId IN (SELECT id FROM outbox WHERE obligationId = ? AND kind = ?)
                        """, DeliveryStatus.superseded.rawValue,
                        "superseded by outbox:\(r.outboxId), which closes obligation \(obligation)",
                        name, DeliveryStatus.pending.rawValue, DeliveryLane.reminder.rawValue, obligation,
                        NotificationKind.reminder.rawValue)
                }
            }
            for (id, error) in invalid {
                try sql.execute("UPDATE outbox SET status = 'invalid', lastError = ? WHERE id = ? AND status = 'pending'", error, id)
            }
        }
    }

    /// A receiver's next message: the oldest pending reminder, unless a change notice about the same
    /// obligation was queued before it (that one goes first); else the oldest pending change notice.
    package func deliveryHead(receiver: String) async throws -> DeliveryHead? {
        try await readSQL { sql in
            guard
                let d = try sql.one(
                    DeliveryRecord.self, "SELECT * FROM delivery WHERE receiver = ? AND status = 'pending' ORDER BY lane, id LIMIT 1",
                    [receiver]),
                let o = try Self.outboxEntry(d.outboxId, sql)
            else { return nil }
            if d.lane == .reminder, let obligation = o.obligationId,
                let earlier = try sql.one(
                    DeliveryRecord.self,
                    """
                    SELECT d.* FROM delivery d JOIN outbox o ON o.id = d.outboxId
                    WHERE d.receiver = ? AND d.status = 'pending' AND d.lane = ? AND d.id < ? AND o.obligationId = ?
                    ORDER BY d.id LIMIT 1
                    """, [receiver, DeliveryLane.change.rawValue, d.id, obligation]),
                let earlierOutbox = try Self.outboxEntry(earlier.outboxId, sql)
            {
                let e = try Self.entity(of: earlierOutbox, sql)
                return DeliveryHead(delivery: earlier, outbox: earlierOutbox, entity: e, aheadOfReminder: true)
            }
            return DeliveryHead(delivery: d, outbox: o, entity: try Self.entity(of: o, sql))
        }
    }

    /// Outbox row `id`, if any.
    static func outboxEntry(_ id: String, _ sql: any SQLSession) throws -> OutboxEntry? {
        try sql.one(OutboxEntry.self, "SELECT * FROM outbox WHERE id = ?", [id])
    }

    static func entity(of o: OutboxEntry, _ sql: any SQLSession) throws -> Entity? {
        try entityName(of: o).flatMap { try sql.one(Entity.self, "SELECT * FROM entity WHERE id = ?", [$0]) }
    }

    /// The id of the entity an outbox row's payload is about, if it names one.
    static func entityName(of o: OutboxEntry) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(o.payload.utf8)) as? [String: Any])?["entity"] as? String
    }

    /// Entity `id` on a read snapshot, or nil when there is none; Delivery uses it to word a message.
    package func entity(_ id: String) async throws -> Entity? {
        try await readSQL { sql in try sql.one(Entity.self, "SELECT * FROM entity WHERE id = ?", [id]) }
    }

    /// Records one attempt's outcome: the delivery row, the outbox row's attempt count and last error,
    /// an audit row when the delivery is given up, and the end of the receiver's pause when it accepted
    /// a message while paused.
    /// - Returns: the pause that ended, if one did.
    @discardableResult
    package func recordDelivery(_ updated: DeliveryRecord, auditNote: String?) async throws -> ReceiverPause? {
        try await writeSQL { sql in try Self.record(updated, auditNote: auditNote, sql) }
    }

    /// `recordDelivery`'s statements, in the caller's transaction.
    /// - Parameter resume: end the receiver's pause if the message was accepted (audited); false for
    ///   a burst's messages, which go only to a receiver that is not paused.
    static func record(
        _ updated: DeliveryRecord, auditNote: String?, resume: Bool = true, _ sql: any SQLSession
    ) throws -> ReceiverPause? {
        var updated = updated
        if updated.status != .delivered, let id = updated.id,
            let stored = try sql.one(DeliveryRecord.self, "SELECT * FROM delivery WHERE id = ?", [id]), stored.status == .superseded
        {
            // A close superseded it while this attempt was under way: it stays left out, not queued again.
            updated.status = .superseded
            updated.lastError = stored.lastError
        }
        try updated.update(sql)
        try sql.execute(
            "UPDATE outbox SET attempts = attempts + 1, lastError = ? WHERE id = ?",
            updated.status == .delivered ? nil : updated.lastError, updated.outboxId)
        // The other members of a digest share the outcome of the one message they were sent in.
        if let digest = updated.digest {
            try sql.execute(
                """
                UPDATE delivery SET status = ?, attempts = ?, firstAttemptAt = ?, lastAttemptAt = ?, nextAttemptAt = ?, lastError = ?,
                lastHTTPStatus = ?, deliveredAt = ? WHERE receiver = ? AND digest = ? AND id <> ? AND status = 'pending'
                """,
                updated.status.rawValue, updated.attempts, updated.firstAttemptAt, updated.lastAttemptAt,
                updated.nextAttemptAt, updated.lastError, updated.lastHTTPStatus, updated.deliveredAt,
                updated.receiver, digest, updated.id)
        }
        let at = (updated.lastAttemptAt ?? 0) / 1000
        if let auditNote {
            try AuditTrail.append(
                sql, at: at, actor: "obligd", action: .deliveryDead, subject: "outbox:\(updated.outboxId)",
                before: nil, after: nil, note: auditNote)
        }
        guard resume, updated.status == .delivered,
            let pause = try sql.one(ReceiverPause.self, "SELECT * FROM receiverPause WHERE receiver = ?", [updated.receiver])
        else { return nil }
        try sql.execute("DELETE FROM receiverPause WHERE receiver = ?", pause.receiver)
        try AuditTrail.append(
            sql, at: at, actor: "obligd", action: .receiverResumed, subject: "receiver:\(updated.receiver)",
            before: "paused", after: "active",
            note: "accepted a message after \(pause.probes + 1) probe(s); paused because: \(pause.reason)")
        return pause
    }
}
