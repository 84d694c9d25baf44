import DeadlineKit
import GRDB
import Rules

/// A company or unit whose obligations obligd tracks.
package struct Entity: Codable, Sendable, FetchableRecord, PersistableRecord, SQLRecord {
    package var id: String
    package var name: String
    package var zone: String
    package var region: String
    package var owner: String?
    package var labels: StringMap
    package var createdAt: Int64
    /// What the entity has stated about itself that rules read (`ciio`, `important_data`: `true` or
    /// `false`; `obligctl entity set`), as the pack's `entityAttributes` declares them.
    package var attributes = StringMap()

    /// An entity as a value. Package, for code that renders one without a store (Delivery's message
    /// tests); an entity is stored only through `Recorder.addEntity`, which checks it.
    package init(
        id: String, name: String, zone: String, region: String, owner: String?, labels: StringMap, createdAt: Int64,
        attributes: StringMap = StringMap()
    ) {
        self.id = id
        self.name = name
        self.zone = zone
        self.region = region
        self.owner = owner
        self.labels = labels
        self.createdAt = createdAt
        self.attributes = attributes
    }

    package static var tableName: String { "entity" }
}

package struct MetricObservationRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    package static let databaseTableName = "metricObservation"
    package static var tableName: String { databaseTableName }
    package var id: Int64?
    package var entityId: String
    package var metric: String
    package var value: Int64
    package var observedAt: Int64
    package var recordedAt: Int64
    /// Set when the report was retracted or superseded by a later one for the same instant; the row
    /// is kept (the history shows it) but no longer counts.
    package var retractedAt: Int64?
    package var retractedNote: String?
    /// The report that replaced this one.
    package var supersededBy: Int64?

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

package struct EventRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    package static let databaseTableName = "event"
    package static var tableName: String { databaseTableName }
    package var id: Int64?
    package var entityId: String
    package var kind: String
    package var at: Int64
    /// The event was given as a day (its `at` is the start of that day in the entity's zone).
    package var atIsDay: Bool
    package var ref: String?
    package var attributes: StringMap
    package var recordedAt: Int64
    /// Set when the event was retracted (`obligctl fact retract`); kept, but it no longer derives.
    package var retractedAt: Int64?
    package var retractedNote: String?

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An obligation: what must be done by when, derived from a fact by a rule (or entered by hand).
/// Its values are typed columns (`Columns+GRDB.swift`), parsed once when the row is read.
package struct Obligation: Sendable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    package static var tableName: String { "obligation" }
    /// Open, closed by a person (done, waived), or lapsed: ended by an event (a certificate
    /// suspended or revoked), so the duty no longer runs though nobody did or waived it.
    package enum Status: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible { case open, done, waived, lapsed }

    package var id: Int64?
    package var entityId: String
    package var ruleId: String?
    package var title: String
    package var triggerKey: TriggerKey
    /// The day or instant the period runs from (after any effective-date clamp).
    package var start: Start
    package var period: Period
    package var roll: Roll?
    /// The due day in the entity's zone; the obligation ends at `dueInstant` (24:00 that day, or the
    /// instant an hour or minute period ends).
    package var due: CivilDate
    package var dueInstant: Int64
    /// The calendar years that decided the due day.
    package var calendars: CalendarList
    package var provisional: Bool
    package var status: Status
    package var nextStageIndex: Int?
    package var nextReminderAt: Int64?
    package var closedOn: CivilDate?
    package var closedNote: String?
    package var createdAt: Int64
    package var updatedAt: Int64

    package init(
        id: Int64?, entityId: String, ruleId: String?, title: String, triggerKey: TriggerKey, start: Start, period: Period,
        roll: Roll?, due: CivilDate, dueInstant: Int64, calendars: CalendarList, provisional: Bool, status: Status,
        nextStageIndex: Int?, nextReminderAt: Int64?, closedOn: CivilDate?, closedNote: String?, createdAt: Int64, updatedAt: Int64
    ) {
        self.id = id
        self.entityId = entityId
        self.ruleId = ruleId
        self.title = title
        self.triggerKey = triggerKey
        self.start = start
        self.period = period
        self.roll = roll
        self.due = due
        self.dueInstant = dueInstant
        self.calendars = calendars
        self.provisional = provisional
        self.status = status
        self.nextStageIndex = nextStageIndex
        self.nextReminderAt = nextReminderAt
        self.closedOn = closedOn
        self.closedNote = closedNote
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// The columns `sqlColumns` gives, for GRDB (tests that write through the pool).
    package func encode(to container: inout PersistenceContainer) {
        for column in sqlColumns() { container[column.name] = DatabaseValue(column.value) }
    }
}

extension Obligation {
    static let columnCount = 19

    /// A GRDB row (tests that read through the pool) read as `init(row: SQLRow)` reads it.
    package init(row: Row) throws {
        try self.init(row: SQLRow(row))
    }
}

package struct AuditEntry: Codable, Sendable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    package static let databaseTableName = "audit"
    package static var tableName: String { databaseTableName }
    package var id: Int64?
    package var at: Int64
    package var actor: String
    package var action: String
    package var subject: String
    package var before: String?
    package var after: String?
    package var note: String?
    /// Chains this row to the one before (`AuditChain`); nil only before it is appended.
    package var hash: String? = nil

    package init(
        id: Int64? = nil, at: Int64, actor: String, action: String, subject: String, before: String?, after: String?, note: String?
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.before = before
        self.after = after
        self.note = note
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A notification waiting for delivery; its id doubles as the webhook-id so retries are recognisable.
package struct OutboxEntry: Codable, Sendable, FetchableRecord, PersistableRecord, SQLRecord {
    package static let databaseTableName = "outbox"
    package static var tableName: String { databaseTableName }
    package var id: String
    package var createdAt: Int64
    /// A `NotificationKind`'s raw value; kept as text so that a row of a kind this version does not
    /// know (written by a newer obligd) is reported on that row by the strict payload reader instead
    /// of failing the fetch of the whole queue.
    package var kind: String
    package var obligationId: Int64?
    package var payload: String
    package var status: OutboxStatus
    package var attempts: Int
    package var lastError: String?
}

package struct LedgerRow: Codable, Sendable, FetchableRecord, PersistableRecord, SQLRecord {
    package static let databaseTableName = "reminderLedger"
    package static var tableName: String { databaseTableName }
    package var obligationId: Int64
    package var stage: String
    package var dueAt: Int64
    package var firedAt: Int64
    package var late: Bool
}

/// A span during which an entity was in a classification (a rule of kind classification held):
/// `since` and `until` are days in the entity's zone; `until` is nil while it still holds.
package struct ClassificationRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, SQLRecord {
    package static let databaseTableName = "classification"
    package static var tableName: String { databaseTableName }
    package var entityId: String
    package var ruleId: String
    package var since: CivilDate
    package var sinceInstant: Int64
    package var until: CivilDate?
    package var untilInstant: Int64?

    package init(entityId: String, ruleId: String, since: CivilDate, sinceInstant: Int64, until: CivilDate?, untilInstant: Int64?) {
        self.entityId = entityId
        self.ruleId = ruleId
        self.since = since
        self.sinceInstant = sinceInstant
        self.until = until
        self.untilInstant = untilInstant
    }

    /// Decodes a row of `entityId, ruleId, since, sinceInstant, until, untilInstant` (the table's
    /// columns, `SELECT *`) by position: a busy gauge reads a span on every report. A stored value that
    /// does not parse is an error naming the column.
    package init(row: SQLRow) throws {
        self.init(
            entityId: try row.decode(0, "classification.entityId"), ruleId: try row.decode(1, "classification.ruleId"),
            since: try row.decode(2, "classification.since"), sinceInstant: try row.decode(3, "classification.sinceInstant"),
            until: try row.decode(4, "classification.until"), untilInstant: try row.decode(5, "classification.untilInstant"))
    }

    /// A GRDB row (tests that read through the pool), read as `init(row: SQLRow)` reads it.
    package init(row: Row) throws { try self.init(row: SQLRow(row)) }

    package func encode(to container: inout PersistenceContainer) {
        container["entityId"] = entityId
        container["ruleId"] = ruleId
        container["since"] = since
        container["sinceInstant"] = sinceInstant
        container["until"] = until
        container["untilInstant"] = untilInstant
    }

    private enum CodingKeys: String, CodingKey { case entityId, ruleId, since, sinceInstant, until, untilInstant }

    /// The audit trail's JSON: days as YYYY-MM-DD.
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entityId = try c.decode(String.self, forKey: .entityId)
        ruleId = try c.decode(String.self, forKey: .ruleId)
        since = try CivilDate(parsing: try c.decode(String.self, forKey: .since))
        sinceInstant = try c.decode(Int64.self, forKey: .sinceInstant)
        until = try c.decodeIfPresent(String.self, forKey: .until).map { try CivilDate(parsing: $0) }
        untilInstant = try c.decodeIfPresent(Int64.self, forKey: .untilInstant)
    }

    package func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entityId, forKey: .entityId)
        try c.encode(ruleId, forKey: .ruleId)
        try c.encode(since.description, forKey: .since)
        try c.encode(sinceInstant, forKey: .sinceInstant)
        try c.encodeIfPresent(until?.description, forKey: .until)
        try c.encodeIfPresent(untilInstant, forKey: .untilInstant)
    }
}

extension Obligation {
    /// The table's columns in order, as `SELECT *` returns them.
    static let columnNames = [
        "id", "entityId", "ruleId", "title", "triggerKey", "start", "period", "roll", "due", "dueInstant", "calendars",
        "provisional", "status", "nextStageIndex", "nextReminderAt", "closedOn", "closedNote", "createdAt", "updatedAt"
    ]

    /// Decodes a full row (`SELECT *`, the table's column order) by position, other rows by name:
    /// looking every column up by name dominated re-deriving a million obligations. A stored value
    /// that does not parse is an error on this row.
    package init(row: SQLRow) throws {
        let full = row.count == Self.columnCount
        func index(_ i: Int, _ name: String) throws -> Int {
            if full { return i }
            guard let j = row.index(of: name) else {
                throw StoreError.invalid(field: "obligation.\(name)", problem: "missing from the row", fix: "select it")
            }
            return j
        }
        func value<T: SQLColumn>(_ i: Int, _ name: String) throws -> T {
            try row.decode(try index(i, name), "obligation.\(name)")
        }
        func optional<T: SQLColumn>(_ i: Int, _ name: String) throws -> T? {
            guard full || row.index(of: name) != nil else { return nil }
            return try row.decode(try index(i, name), "obligation.\(name)") as T?
        }
        self.init(
            id: try optional(0, "id"), entityId: try value(1, "entityId"), ruleId: try optional(2, "ruleId"),
            title: try value(3, "title"), triggerKey: try value(4, "triggerKey"), start: try value(5, "start"),
            period: try value(6, "period"), roll: try optional(7, "roll"), due: try value(8, "due"),
            dueInstant: try value(9, "dueInstant"), calendars: try value(10, "calendars"),
            provisional: try value(11, "provisional"), status: try value(12, "status"),
            nextStageIndex: try optional(13, "nextStageIndex"), nextReminderAt: try optional(14, "nextReminderAt"),
            closedOn: try optional(15, "closedOn"), closedNote: try optional(16, "closedNote"),
            createdAt: try value(17, "createdAt"), updatedAt: try value(18, "updatedAt"))
    }

    /// The columns an INSERT writes (without `id` while the database is still to assign it).
    package func sqlColumns() -> [(name: String, value: SQLValue)] {
        let values: [any SQLColumn] = [
            id, entityId, ruleId, title, triggerKey, start, period, roll, due, dueInstant, calendars, provisional, status,
            nextStageIndex, nextReminderAt, closedOn, closedNote, createdAt, updatedAt
        ]
        return zip(Self.columnNames, values).compactMap { name, v in
            name == "id" && id == nil ? nil : (name, v.sqlValue)
        }
    }
}
