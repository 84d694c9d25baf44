import APIModel
import DeadlineKit
import GRDB
import Rules

/// A company or unit whose obligations obligd tracks.
package struct Entity: Codable, Sendable, FetchableRecord, PersistableRecord, SQLRecord {
    /// Caller-chosen key (1-64 letters, digits, `.`, `_`, `-`); it names the entity in every route, fact and audit
    /// subject.
    package var id: String
    /// Display name shown in notices, the web view and audit packs; never empty.
    package var name: String
    /// IANA zone (default Asia/Shanghai) in which its legal days begin and end.
    package var zone: String
    /// Which calendar (`config/calendars/<region>`) counts its working days; default `cn`.
    package var region: String
    /// The person responsible; receivers with `mentionOwner` @mention them through obligd.json's `people`.
    package var owner: String?
    /// Free-form tags set at creation; stored, shown and audited, but no rule reads them.
    package var labels: StringMap
    /// When it was added (epoch seconds).
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

    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { "entity" }
}

/// A reported value of a metric for an entity at an instant; the facts threshold rules are evaluated on.
package struct MetricObservationRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "metricObservation"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// Store's row id; nil until inserted.
    package var id: Int64?
    /// The entity the value was reported for.
    package var entityId: String
    /// The metric's name as the rule packs declare it (e.g. a user count).
    package var metric: String
    /// The reported value, an integer in the metric's own unit.
    package var value: Int64
    /// The instant the value held (epoch seconds); rules cross thresholds in this order, not in arrival order.
    package var observedAt: Int64
    /// When obligd recorded the report (epoch seconds).
    package var recordedAt: Int64
    /// Set when the report was retracted or superseded by a later one for the same instant; the row
    /// is kept (the history shows it) but no longer counts.
    package var retractedAt: Int64?
    /// Why it was retracted or superseded, as the person said; shown in the history.
    package var retractedNote: String?
    /// The report that replaced this one.
    package var supersededBy: Int64?

    /// Keeps the id the database assigned.
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A dated event of an entity (an incident, a certificate issued) that event rules derive obligations from.
package struct EventRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "event"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// Store's row id; nil until inserted. Obligations it opens carry it in their trigger key (`event:<id>`).
    package var id: Int64?
    /// The entity the event happened to.
    package var entityId: String
    /// The event's kind as the rule packs name it; rules with an event trigger of this kind derive from it.
    package var kind: String
    /// When it happened (epoch seconds); the periods it triggers start here unless the rule reads a date attribute.
    package var at: Int64
    /// The event was given as a day (its `at` is the start of that day in the entity's zone).
    package var atIsDay: Bool
    /// The caller's own reference (a ticket, a notice number); with entity and kind it recognises an event recorded
    /// before.
    package var ref: String?
    /// What the event states (e.g. a notice's own period); rule conditions (`trigger.when`) read them.
    package var attributes: StringMap
    /// When obligd recorded it (epoch seconds).
    package var recordedAt: Int64
    /// Set when the event was retracted (`obligctl fact retract`); kept, but it no longer derives.
    package var retractedAt: Int64?
    /// Why it was retracted, as the person said; shown in the history.
    package var retractedNote: String?

    /// Keeps the id the database assigned.
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// An obligation: what must be done by when, derived from a fact by a rule (or entered by hand).
/// Its values are typed columns (`Columns+GRDB.swift`), parsed once when the row is read.
package struct Obligation: Sendable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { "obligation" }
    /// Open, closed by a person (done, waived), or lapsed (`ObligationStatus`, shared with the API).
    package typealias Status = ObligationStatus

    /// Store's row id; nil until inserted. The only key the API and CLI use for an obligation.
    package var id: Int64?
    /// The entity that owes it.
    package var entityId: String
    /// The rule that derived it; nil for a custom obligation entered by hand.
    package var ruleId: String?
    /// What must be done, in the words of the rule (or the person who entered it).
    package var title: String
    /// What opened it (a metric crossing, an event, a recurrence, a custom entry); unique with entity and rule, so
    /// deriving the same trigger again updates this row instead of adding one.
    package var triggerKey: TriggerKey
    /// The day or instant the period runs from (after any effective-date clamp).
    package var start: Start
    /// How long the duty runs from `start` (e.g. 30 days, 10 working days, 72 hours).
    package var period: Period
    /// How a due day falling on a rest day moves (to the next working day, ...); nil when it does not move.
    package var roll: Roll?
    /// The due day in the entity's zone; the obligation ends at `dueInstant` (24:00 that day, or the
    /// instant an hour or minute period ends).
    package var due: CivilDate
    /// The instant it falls due (epoch seconds); the scheduler and every "overdue" query compare with this.
    package var dueInstant: Int64
    /// The calendar years that decided the due day.
    package var calendars: CalendarList
    /// The due day rests on an estimated calendar year (no holiday notice yet), so it may move when one is imported.
    package var provisional: Bool
    /// Where it stands; only open obligations get reminders and are re-derived.
    package var status: Status
    /// Index into the reminder plan of the next stage to fire; nil when none is left (closed, or no overdue stages).
    package var nextStageIndex: Int?
    /// When that stage fires (epoch seconds); the scheduler sleeps until the earliest of these.
    package var nextReminderAt: Int64?
    /// The day it was done or waived, in the entity's zone; nil while open.
    package var closedOn: CivilDate?
    /// What the person said when closing it; nil while open or when nothing was said.
    package var closedNote: String?
    /// When obligd opened it (epoch seconds).
    package var createdAt: Int64
    /// When the row last changed (epoch seconds).
    package var updatedAt: Int64

    /// Every column given; Store builds it when it derives or reads one, never with defaults that could hide a missing
    /// value.
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

    /// Keeps the id the database assigned.
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

/// A row of the append-only audit trail: who did what to which subject, with the state before and after.
package struct AuditEntry: Codable, Sendable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "audit"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// Store's row id, in the order rows were appended; the chain is walked in this order.
    package var id: Int64?
    /// When it was written (epoch seconds).
    package var at: Int64
    /// Who acted (the peer's user, `web:NAME`, or obligd itself for derived changes).
    package var actor: String
    /// An `AuditAction`'s raw value, e.g. `obligation.closed`.
    package var action: String
    /// What it is about, as `kind:id` (`obligation:42`, `entity:acme`, `classification:acme:rule`).
    package var subject: String
    /// The subject's JSON before the change; nil when it is new.
    package var before: String?
    /// The subject's JSON after the change; nil when it was removed or nothing is stored.
    package var after: String?
    /// What the actor said about it (a close note, a retraction reason), if anything.
    package var note: String?
    /// Chains this row to the one before (`AuditChain`); nil only before it is appended.
    package var hash: String? = nil

    /// An entry not yet appended: `id` and `hash` are set when it is written to the trail.
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

    /// Keeps the id the database assigned.
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A notification waiting for delivery; its id doubles as the webhook-id so retries are recognisable.
package struct OutboxEntry: Codable, Sendable, FetchableRecord, PersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "outbox"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// Time-ordered random id (`OutboxID`), also the webhook-id, so receivers deduplicate a repeated send.
    package var id: String
    /// When it was queued (epoch seconds, unlike the delivery tables' milliseconds).
    package var createdAt: Int64
    /// A `NotificationKind`'s raw value; kept as text so that a row of a kind this version does not
    /// know (written by a newer obligd) is reported on that row by the strict payload reader instead
    /// of failing the fetch of the whole queue.
    package var kind: String
    /// The obligation it is about; nil for a notice about none (an agenda, a classification).
    package var obligationId: Int64?
    /// The notice as JSON (`OutboxPayload.json`), read back only through `OutboxPayload.read`.
    package var payload: String
    /// Whether it is still to be routed to receivers, routed, or set aside.
    package var status: OutboxStatus
    /// Delivery attempts made for it, over all its receivers (each failed or retried send adds one).
    package var attempts: Int
    /// The last attempt's error, or why it was set aside as `invalid` (a payload this version cannot read).
    package var lastError: String?
}

/// A reminder stage that fired for an obligation: the ledger that keeps a stage from firing twice.
package struct LedgerRow: Codable, Sendable, FetchableRecord, PersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "reminderLedger"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// The obligation reminded of.
    package var obligationId: Int64
    /// The stage's ledger key (`before:-7d@2026-02-24`); stable across versions so an upgrade neither repeats nor skips
    /// one.
    package var stage: String
    /// When the stage was scheduled to fire (epoch seconds).
    package var dueAt: Int64
    /// When it actually fired (epoch seconds).
    package var firedAt: Int64
    /// It fired past the scheduler's lateness allowance (a minute by default) or stood in for stages missed
    /// while obligd was down.
    package var late: Bool
}

/// A span during which an entity was in a classification (a rule of kind classification held):
/// `since` and `until` are days in the entity's zone; `until` is nil while it still holds.
package struct ClassificationRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "classification"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// The entity classified.
    package var entityId: String
    /// The classification rule whose thresholds held.
    package var ruleId: String
    /// The first day it held, in the entity's zone.
    package var since: CivilDate
    /// The start of `since` (epoch seconds), for queries that compare instants.
    package var sinceInstant: Int64
    /// The day it stopped holding; nil while it still holds.
    package var until: CivilDate?
    /// The start of `until` (epoch seconds); nil while it still holds.
    package var untilInstant: Int64?

    /// A span from its columns; `until` and `untilInstant` are both nil or both set.
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

    /// GRDB's columns, days as `YYYY-MM-DD` text like every other stored day.
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

    /// The audit trail's JSON, days as YYYY-MM-DD, as `init(from:)` reads it back.
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
