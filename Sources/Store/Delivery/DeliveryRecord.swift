import GRDB

/// Where a (notification, receiver) pair stands.
package enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    /// Not yet accepted; tried at `nextAttemptAt`, after the receiver's older messages of its lane.
    case pending
    /// The receiver accepted it (the row is the receipt: when, after how many attempts, with which status).
    case delivered
    /// Given up (the platform rejected the message itself, or the retry budget was spent); `lastError`
    /// says why. `retry` revives it.
    case dead
    /// An operator dropped it; audited.
    case dropped
    /// A reminder still queued when the close (done, waived) of its obligation was routed to the same
    /// receiver (a paused or backlogged receiver): not sent, since it would read "due" or "overdue"
    /// after "done". The digest that carries the close counts it ("N reminders left out").
    case superseded
}

/// The two queues of every receiver. A reminder never waits behind change notices: the reminder lane
/// is always served first, except that a change notice about the same obligation that was queued
/// earlier goes before the reminder (per-obligation order is kept).
package enum DeliveryLane: Int, Codable, Sendable, CaseIterable {
    /// Reminders (before, due, overdue), notices that a receiver is failing, and daily agendas.
    case reminder = 0
    /// Changes to obligations: opened, moved, done, waived, reopened, underived.
    case change = 1

    /// The lane of an outbox row's kind.
    package static func of(kind: NotificationKind) -> DeliveryLane {
        kind.isReminderLane ? .reminder : .change
    }
}

/// One row of the `delivery` table (migration v2-delivery, `lane` and `digest` from v4). Instants are
/// epoch milliseconds.
package struct DeliveryRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    package static let databaseTableName = "delivery"
    package static var tableName: String { databaseTableName }
    package var id: Int64?
    package var outboxId: String
    package var receiver: String
    package var status: DeliveryStatus
    package var attempts: Int
    package var createdAt: Int64
    package var firstAttemptAt: Int64?
    package var lastAttemptAt: Int64?
    package var nextAttemptAt: Int64
    package var lastError: String?
    package var lastHTTPStatus: Int?
    package var deliveredAt: Int64?
    package var lane: DeliveryLane
    /// The digest this change notice is sent in (its webhook-id), once one was formed.
    package var digest: String?

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An outbox row with where each receiver stands, for `obligctl outbox list`.
package struct OutboxItem: Sendable, Equatable {
    package var id: String
    package var createdAt: Int64
    package var kind: String
    package var obligationId: Int64?
    package var status: OutboxStatus
    package var lastError: String?
    package var deliveries: [DeliveryRecord]
}

/// Which outbox rows to list.
package enum OutboxFilter: String, Sendable, CaseIterable {
    /// Not yet dispatched, or some receiver still pending.
    case pending
    /// Some receiver dead-lettered.
    case dead
    /// Every receiver delivered (or there were none).
    case delivered
    case all
}

extension DeliveryRecord {
    /// Writes the record over its row (every column, as it now stands); a record whose row is gone
    /// (or that has no id) is an error.
    func update(_ sql: any SQLSession) throws {
        guard let id,
            try sql.execute(
                """
                UPDATE delivery SET outboxId = ?, receiver = ?, status = ?, attempts = ?, createdAt = ?, firstAttemptAt = ?,
                lastAttemptAt = ?, nextAttemptAt = ?, lastError = ?, lastHTTPStatus = ?, deliveredAt = ?, lane = ?, digest = ?
                WHERE id = ?
                """, outboxId, receiver, status.rawValue, attempts, createdAt, firstAttemptAt, lastAttemptAt, nextAttemptAt, lastError,
                lastHTTPStatus, deliveredAt, lane.rawValue, digest, id) == 1
        else { throw StoreError.notFound("delivery \(id.map { "\($0)" } ?? "without an id")") }
    }
}
