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
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "delivery"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// Store's row id; also each receiver's send order (rows are created in outbox order, sent by ascending id).
    package var id: Int64?
    /// The outbox row delivered; its id is the webhook-id, the same on every retry.
    package var outboxId: String
    /// The receiver's name as `delivery` in obligd.json configures it.
    package var receiver: String
    /// Where this receiver's copy stands.
    package var status: DeliveryStatus
    /// Sends tried so far; the retry budget and backoff count from it, and `retry` resets it to 0.
    package var attempts: Int
    /// When the row was routed to the receiver (epoch milliseconds).
    package var createdAt: Int64
    /// When it was first sent (epoch milliseconds); nil until then. Retries give up after the budget counted from here.
    package var firstAttemptAt: Int64?
    /// When it was last sent (epoch milliseconds); nil until then.
    package var lastAttemptAt: Int64?
    /// Not to be sent before this instant (epoch milliseconds): the backoff after a failure, or a paused
    /// receiver's next probe.
    package var nextAttemptAt: Int64
    /// The receiver's or the transport's last error; shown by `obligctl outbox list` and kept on a dead letter.
    package var lastError: String?
    /// The HTTP status of the last answer; nil when none came (a timeout, a refused connection).
    package var lastHTTPStatus: Int?
    /// When the receiver accepted it (epoch milliseconds); nil until delivered.
    package var deliveredAt: Int64?
    /// The lane it waits in; reminders are served ahead of change notices.
    package var lane: DeliveryLane
    /// The digest this change notice is sent in (its webhook-id), once one was formed.
    package var digest: String?

    /// Keeps the id the database assigned.
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An outbox row with where each receiver stands, for `obligctl outbox list`.
package struct OutboxItem: Sendable, Equatable {
    /// The outbox row's id, which is also its webhook-id.
    package var id: String
    /// When it was queued (epoch seconds, as the outbox keeps it).
    package var createdAt: Int64
    /// A `NotificationKind`'s raw value, as stored (a newer obligd's kind is listed, not refused).
    package var kind: String
    /// The obligation it is about; nil for a notice about none (an agenda, a classification).
    package var obligationId: Int64?
    /// Whether it was routed to receivers yet, or set aside.
    package var status: OutboxStatus
    /// The last error of an attempt, or why the row was set aside.
    package var lastError: String?
    /// Each receiver's copy, in receiver order; empty until routed or when no route matched.
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
    /// Every row, whatever its receivers' state.
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
