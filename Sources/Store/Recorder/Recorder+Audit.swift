import DeadlineKit
import Foundation
import Rules

/// The audit trail and the outbox, written in the transaction of the change they record.
extension Recorder {
    /// Appends a row to the hash-chained trail. The chain's tip is read once per Recorder (a bulk move
    /// appends thousands of rows in one transaction) and carried from row to row.
    /// - Parameter actorOverride: the actor to name instead of the transaction's, when the one who acts
    ///   is known only inside it (a web sign-in names the person its invite was for).
    func audit(
        _ action: AuditAction, subject: String, before: String?, after: String?, note: String? = nil, actorOverride: String? = nil
    ) throws {
        let tip = try lookups.auditTip ?? AuditTrail.tip(sql)
        lookups.auditTip = try AuditTrail.append(
            sql, after: tip, at: now.secondsSinceEpoch, actor: actorOverride ?? actor, action: action, subject: subject,
            before: before, after: after, note: note)
    }

    func notify(_ kind: NotificationKind, _ o: Obligation, _ detail: OutboxPayload.Detail = .init()) throws {
        try enqueue(OutboxPayload(kind: kind, obligation: o, detail: detail), obligation: o.id)
    }

    /// Writes `payloads` to the outbox in this transaction, in their order, many rows a statement.
    func enqueue(_ payloads: [(payload: OutboxPayload, obligation: Int64?)]) throws {
        let at = now.secondsSinceEpoch
        for chunk in payloads.chunks(of: Self.rowsPerStatement) {
            let values = Array(repeating: "(?, ?, ?, ?, ?, 'pending', 0, NULL)", count: chunk.count).joined(separator: ", ")
            var arguments: [SQLValue] = []
            for (payload, obligation) in chunk {
                let id = OutboxID.make(milliseconds: UInt64(max(at, 0)) * 1000, using: &lookups.ids)
                arguments += [
                    id.sqlValue, at.sqlValue, payload.kind.rawValue.sqlValue, obligation?.sqlValue ?? .null, payload.json.sqlValue
                ]
            }
            try sql.execute(
                "INSERT INTO outbox (id, createdAt, kind, obligationId, payload, status, attempts, lastError) VALUES \(values)", arguments)
        }
    }

    /// Writes the notice `payload` to the outbox, linked to its obligation, as `notify` does for a change
    /// this transaction made, and returns the row's id. Package, for a producer that holds a notice but
    /// not the change behind it: Delivery's tests queue the reminders and change notices the scheduler
    /// writes without staging the rules, calendars and clocks that cause them. The payload is typed, so
    /// only a row Delivery could have been given is written.
    @discardableResult
    package func queueNotice(_ payload: OutboxPayload) throws -> String {
        let id = OutboxID.make(milliseconds: UInt64(max(now.secondsSinceEpoch, 0)) * 1000, using: &lookups.ids)
        try sql.execute(
            """
            INSERT INTO outbox (id, createdAt, kind, obligationId, payload, status, attempts, lastError)
            VALUES (?, ?, ?, ?, ?, 'pending', 0, NULL)
            """,
            id, now.secondsSinceEpoch, payload.kind.rawValue, payload.obligation, payload.json)
        return id
    }

    /// Writes `payload` to the outbox in this transaction (`obligation` links it to one, if any).
    func enqueue(_ payload: OutboxPayload, obligation: Int64?) throws {
        // A cached statement and a typed encoder: a burst of reminders writes thousands of these per transaction.
        try sql.execute(
            """
            INSERT INTO outbox (id, createdAt, kind, obligationId, payload, status, attempts, lastError)
            VALUES (?, ?, ?, ?, ?, 'pending', 0, NULL)
            """,
            OutboxID.make(milliseconds: UInt64(max(now.secondsSinceEpoch, 0)) * 1000, using: &lookups.ids), now.secondsSinceEpoch,
            payload.kind.rawValue, obligation, payload.json)
    }

    func json(_ o: Obligation) throws -> String { o.auditJSON }

    func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try Self.auditEncoder.encode(value), as: UTF8.self)
    }

    private static let auditEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
}
