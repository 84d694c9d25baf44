import DeadlineKit

/// What obligd recorded about a set of obligations, read in bulk for the audit pack (#32): their
/// audit rows, reminder ledger, and the notices queued about them with each receiver's delivery.
/// Why bulk: a pack of 10,000 obligations reads each table a few times, not 10,000 times.
extension Recorder {
    /// A notice queued about an obligation (an outbox row) and where each receiver's copy stands.
    package struct Notice: Sendable, Equatable {
        /// The outbox id (also the webhook-id receivers saw).
        package var id: String
        /// The obligation it is about.
        package var obligationId: Int64
        /// A `NotificationKind`'s raw value, as stored.
        package var kind: String
        /// Epoch seconds.
        package var createdAt: Int64
        /// The ledger key of a reminder's stage (`before:-7d@2026-02-24`), from its payload.
        package var stageKey: String?
        /// The outbox row's own status: `dispatched` once journaled and routed.
        package var status: OutboxStatus
        /// Each receiver's copy; empty until routed, or when no receiver took it.
        package var deliveries: [DeliveryRecord]
    }

    /// The obligations of `entity` that were open at some time in `from...to` (days in the entity's
    /// zone): opened before the end of `to` and not closed before `from`. Soonest due first.
    package func obligations(entity: String, openFrom from: CivilDate, to: CivilDate) throws -> [Obligation] {
        let e = try self.entity(entity)
        let end = try zone(e).instant(to.adding(days: 1)).secondsSinceEpoch
        return try sql.all(
            Obligation.self,
            "SELECT * FROM obligation WHERE entityId = ? AND createdAt < ? AND (closedOn IS NULL OR closedOn >= ?) ORDER BY dueInstant, id",
            [entity, end, from])
    }

    /// The audit rows about each of `ids` (`subject` `obligation:ID`), oldest first.
    package func history(ofAll ids: [Int64]) throws -> [Int64: [AuditEntry]] {
        var out: [Int64: [AuditEntry]] = [:]
        for chunk in ids.chunks(of: 500) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let subjects = chunk.map { "obligation:\($0)" as (any SQLColumn)? }
            for row in try sql.all(AuditEntry.self, "SELECT * FROM audit WHERE subject IN (\(marks)) ORDER BY id", subjects) {
                guard let id = Int64(row.subject.dropFirst("obligation:".count)) else { continue }
                out[id, default: []].append(row)
            }
        }
        return out
    }

    /// The audit row `id`, if there is one.
    package func auditRow(_ id: Int64) throws -> AuditEntry? {
        try sql.one(AuditEntry.self, "SELECT * FROM audit WHERE id = ?", [id])
    }

    /// The reminder stages fired for each of `ids`, in the order they fired.
    package func ledger(ofAll ids: [Int64]) throws -> [Int64: [LedgerRow]] {
        var out: [Int64: [LedgerRow]] = [:]
        for chunk in ids.chunks(of: 500) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for row in try sql.all(
                LedgerRow.self, "SELECT * FROM reminderLedger WHERE obligationId IN (\(marks)) ORDER BY obligationId, firedAt, stage",
                chunk.map { $0 as (any SQLColumn)? })
            {
                out[row.obligationId, default: []].append(row)
            }
        }
        return out
    }

    /// The notices queued about each of `ids` with their deliveries, oldest first.
    package func notices(ofAll ids: [Int64]) throws -> [Int64: [Notice]] {
        var out: [Int64: [Notice]] = [:]
        for chunk in ids.chunks(of: 500) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            var notices: [Notice] = []
            try sql.forEach(
                "SELECT id, obligationId, kind, createdAt, payload, status FROM outbox WHERE obligationId IN (\(marks)) ORDER BY id",
                chunk.map { $0.sqlValue }
            ) { row in
                let payload: String = try row.decode(4, "outbox.payload")
                notices.append(
                    Notice(
                        id: try row.decode(0, "outbox.id"), obligationId: try row.decode(1, "outbox.obligationId"),
                        kind: try row.decode(2, "outbox.kind"), createdAt: try row.decode(3, "outbox.createdAt"),
                        stageKey: Self.stageKey(payload, id: try row.decode(0, "outbox.id")), status: try row.decode(5, "outbox.status"),
                        deliveries: []))
            }
            var deliveries: [String: [DeliveryRecord]] = [:]
            for part in notices.map(\.id).chunks(of: 500) {
                let marks = Array(repeating: "?", count: part.count).joined(separator: ", ")
                for d in try sql.all(
                    DeliveryRecord.self, "SELECT * FROM delivery WHERE outboxId IN (\(marks)) ORDER BY id",
                    part.map { $0 as (any SQLColumn)? })
                {
                    deliveries[d.outboxId, default: []].append(d)
                }
            }
            for var n in notices {
                n.deliveries = deliveries[n.id] ?? []
                out[n.obligationId, default: []].append(n)
            }
        }
        return out
    }

    /// The reminder stage key of a notice's payload, nil for other notices.
    private static func stageKey(_ payload: String, id: String) -> String? {
        guard case let .notice(p)? = try? OutboxPayload.read(payload, outboxId: id) else { return nil }
        return p.detail.stageKey
    }
}
