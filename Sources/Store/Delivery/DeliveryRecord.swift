import GRDB

/// Where a (notification, receiver) pair stands.
public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    /// Not yet accepted; tried at `nextAttemptAt`, after the receiver's older messages of its lane.
    case pending
    /// The receiver accepted it (the row is the receipt: when, after how many attempts, with which status).
    case delivered
    /// Given up (the platform rejected the message itself, or the retry budget was spent); `lastError`
    /// says why. `retry` revives it.
    case dead
    /// An operator dropped it; audited.
    case dropped
}

/// The two queues of every receiver. A reminder never waits behind change notices: the reminder lane
/// is always served first, except that a change notice about the same obligation that was queued
/// earlier goes before the reminder (per-obligation order is kept).
public enum DeliveryLane: Int, Codable, Sendable, CaseIterable {
    /// Reminders (before, due, overdue), notices that a receiver is failing, and daily agendas.
    case reminder = 0
    /// Changes to obligations: opened, moved, done, waived, reopened, underived.
    case change = 1

    /// The lane of an outbox row's kind.
    public static func of(kind: NotificationKind) -> DeliveryLane {
        kind.isReminderLane ? .reminder : .change
    }
}

/// One row of the `delivery` table (migration v2-delivery, `lane` and `digest` from v4). Instants are
/// epoch milliseconds.
public struct DeliveryRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "delivery"
    public var id: Int64?
    public var outboxId: String
    public var receiver: String
    public var status: DeliveryStatus
    public var attempts: Int
    public var createdAt: Int64
    public var firstAttemptAt: Int64?
    public var lastAttemptAt: Int64?
    public var nextAttemptAt: Int64
    public var lastError: String?
    public var lastHTTPStatus: Int?
    public var deliveredAt: Int64?
    public var lane: DeliveryLane
    /// The digest this change notice is sent in (its webhook-id), once one was formed.
    public var digest: String?

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An outbox row with where each receiver stands, for `obligctl outbox list`.
public struct OutboxItem: Sendable, Equatable {
    public var id: String
    public var createdAt: Int64
    public var kind: String
    public var obligationId: Int64?
    /// `pending` (not yet journaled and routed), `dispatched`, `invalid` (undecodable payload) or `dropped`.
    public var status: String
    public var lastError: String?
    public var deliveries: [DeliveryRecord]
}

/// Which outbox rows to list.
public enum OutboxFilter: String, Sendable, CaseIterable {
    /// Not yet dispatched, or some receiver still pending.
    case pending
    /// Some receiver dead-lettered.
    case dead
    /// Every receiver delivered (or there were none).
    case delivered
    case all
}
