import APIModel
import DeadlineKit
import Rules

// The typed columns on both backends: each is stored as the text it has always been and parsed once
// when the row is read (a value that does not parse is an error on that row).

extension CivilDate: SQLColumn {
    /// `YYYY-MM-DD`: sorts as text in day order, so `due < ?` compares days.
    package var sqlValue: SQLValue { .text(description) }
    /// Nil for anything but text that parses as a day, which the row reports naming the column.
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue, let d = try? CivilDate(parsing: t) else { return nil }
        self = d
    }
}

extension Period: SQLColumn {
    /// `+30wd`, `+2mo`, `-6mo`: the form rules and obligctl use.
    package var sqlValue: SQLValue { .text(description) }
    /// Nil for anything but text that parses as a period, which the row reports naming the column.
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue, let p = try? Period(parsing: t) else { return nil }
        self = p
    }
}

extension Roll: SQLTextEnum {}

extension Start: SQLColumn {
    /// The start's text form (a day, or an instant), as `Start(parsing:)` reads it back.
    package var sqlValue: SQLValue { .text(description) }
    /// Nil for anything but text that parses as a start, which the row reports naming the column.
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue, let s = try? Start(parsing: t) else { return nil }
        self = s
    }
}

extension TriggerKey: SQLColumn {
    /// `metric:<name>#<n>`, `event:<id>`, `recurrence:<id>`, `custom:<uuid>`: the unique key with the rule.
    package var sqlValue: SQLValue { .text(description) }
    /// Nil for anything but text; the text itself is read by `TriggerKey(_:)`.
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue else { return nil }
        self.init(t)
    }
}

extension CalendarList: SQLColumn {
    /// The JSON list of the calendar years that decided the due day; reloads filter on it.
    package var sqlValue: SQLValue { .text(json) }
    /// Nil for anything but text that reads as such a list.
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue else { return nil }
        self.init(json: t)
    }
}

extension StringMap: SQLColumn {
    /// The map as a JSON object with sorted keys, so equal maps are equal text.
    package var sqlValue: SQLValue { .text(json) }
    /// Nil for anything but text that reads as such an object.
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue else { return nil }
        self.init(json: t)
    }
}

extension ObligationStatus: SQLTextEnum {}

/// Read from `outbox.status` by typed queries (`Recorder.notices(ofAll:)`).
extension OutboxStatus: SQLTextEnum {}
