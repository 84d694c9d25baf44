import APIModel
import DeadlineKit
import Rules

// The typed columns on both backends: each is stored as the text it has always been and parsed once
// when the row is read (a value that does not parse is an error on that row).

extension CivilDate: SQLColumn {
    /// `YYYY-MM-DD`: sorts as text in day order, so `due < ?` compares days.
    package var sqlValue: SQLValue { .text(description) }
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue, let d = try? CivilDate(parsing: t) else { return nil }
        self = d
    }
}

extension Period: SQLColumn {
    /// `+30wd`, `+2mo`, `-6mo`: the form rules and obligctl use.
    package var sqlValue: SQLValue { .text(description) }
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue, let p = try? Period(parsing: t) else { return nil }
        self = p
    }
}

extension Roll: SQLTextEnum {}

extension Start: SQLColumn {
    package var sqlValue: SQLValue { .text(description) }
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue, let s = try? Start(parsing: t) else { return nil }
        self = s
    }
}

extension TriggerKey: SQLColumn {
    package var sqlValue: SQLValue { .text(description) }
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue else { return nil }
        self.init(t)
    }
}

extension CalendarList: SQLColumn {
    package var sqlValue: SQLValue { .text(json) }
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue else { return nil }
        self.init(json: t)
    }
}

extension StringMap: SQLColumn {
    package var sqlValue: SQLValue { .text(json) }
    package init?(sqlValue: SQLValue) {
        guard case let .text(t) = sqlValue else { return nil }
        self.init(json: t)
    }
}

extension ObligationStatus: SQLTextEnum {}

/// Read from `outbox.status` by typed queries (`Recorder.notices(ofAll:)`).
extension OutboxStatus: SQLTextEnum {}
