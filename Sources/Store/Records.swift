import GRDB

/// A company or unit whose obligations obligd tracks.
public struct Entity: Codable, Sendable, FetchableRecord, PersistableRecord {
    public var id: String
    public var name: String
    public var zone: String
    public var region: String
    public var owner: String?
    /// JSON object of string labels.
    public var labels: String
    public var createdAt: Int64
}

public struct MetricObservationRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "metricObservation"
    public var id: Int64?
    public var entityId: String
    public var metric: String
    public var value: Int64
    public var observedAt: Int64
    public var recordedAt: Int64

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct EventRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "event"
    public var id: Int64?
    public var entityId: String
    public var kind: String
    public var at: Int64
    /// The event was given as a day (its `at` is the start of that day in the entity's zone).
    public var atIsDay: Bool
    public var ref: String?
    /// JSON object of attribute values.
    public var attributes: String
    public var recordedAt: Int64

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct Obligation: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public enum Status: String, Codable, Sendable, CaseIterable { case open, done, waived }

    public var id: Int64?
    public var entityId: String
    public var ruleId: String?
    public var title: String
    public var triggerKey: String
    /// The day or instant the period runs from (after any effective-date clamp).
    public var start: String
    public var period: String
    public var roll: String?
    public var due: String
    public var dueInstant: Int64
    /// JSON array describing the calendars that decided the due day.
    public var calendars: String
    public var provisional: Bool
    public var status: Status
    public var nextStageIndex: Int?
    public var nextReminderAt: Int64?
    public var closedOn: String?
    public var closedNote: String?
    public var createdAt: Int64
    public var updatedAt: Int64

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Obligation {
    static let columnCount = 19

    /// Decodes a full row (`SELECT *`, the table's column order) by position, other rows by name.
    /// Decodable looked every column up by a lowercased name, which dominated re-deriving a million
    /// obligations.
    public init(row: Row) throws {
        guard row.count == Self.columnCount else {
            self.init(id: row["id"], entityId: row["entityId"], ruleId: row["ruleId"], title: row["title"], triggerKey: row["triggerKey"],
                      start: row["start"], period: row["period"], roll: row["roll"], due: row["due"], dueInstant: row["dueInstant"],
                      calendars: row["calendars"], provisional: row["provisional"], status: try Self.status(row["status"]),
                      nextStageIndex: row["nextStageIndex"], nextReminderAt: row["nextReminderAt"], closedOn: row["closedOn"],
                      closedNote: row["closedNote"], createdAt: row["createdAt"], updatedAt: row["updatedAt"])
            return
        }
        self.init(id: row[0], entityId: row[1], ruleId: row[2], title: row[3], triggerKey: row[4], start: row[5], period: row[6],
                  roll: row[7], due: row[8], dueInstant: row[9], calendars: row[10], provisional: row[11], status: try Self.status(row[12]),
                  nextStageIndex: row[13], nextReminderAt: row[14], closedOn: row[15], closedNote: row[16], createdAt: row[17], updatedAt: row[18])
    }

    private static func status(_ text: String) throws -> Status {
        guard let s = Status(rawValue: text) else { throw StoreError.invalid(field: "status", problem: "'\(text)' in the database", fix: "open, done or waived") }
        return s
    }
}

public struct AuditEntry: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "audit"
    public var id: Int64?
    public var at: Int64
    public var actor: String
    public var action: String
    public var subject: String
    public var before: String?
    public var after: String?
    public var note: String?

    public init(id: Int64? = nil, at: Int64, actor: String, action: String, subject: String, before: String?, after: String?, note: String?) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.before = before
        self.after = after
        self.note = note
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A notification waiting for delivery; its id doubles as the webhook-id so retries are recognisable.
public struct OutboxEntry: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "outbox"
    public var id: String
    public var createdAt: Int64
    /// A `NotificationKind`'s raw value; kept as text so that a row of a kind this version does not
    /// know (written by a newer obligd) is reported on that row by the strict payload reader instead
    /// of failing the fetch of the whole queue.
    public var kind: String
    public var obligationId: Int64?
    public var payload: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
}

public struct LedgerRow: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "reminderLedger"
    public var obligationId: Int64
    public var stage: String
    public var dueAt: Int64
    public var firedAt: Int64
    public var late: Bool
}
