import DeadlineKit

/// Where a period starts: a day (most legal triggers) or an instant (incidents, hour and minute periods).
package enum Start: Sendable, Hashable, CustomStringConvertible {
    case day(CivilDate)
    case instant(Instant)

    /// `YYYY-MM-DD` is a day; text with a `T` an instant; anything else is an error saying which forms are taken.
    package init(parsing text: String) throws(InputError) {
        if text.utf8.count == 10 {
            self = .day(try CivilDate(parsing: text))
        } else if text.utf8.contains(where: { $0 == UInt8(ascii: "T") || $0 == UInt8(ascii: "t") }) {
            self = .instant(try Instant(parsing: text))
        } else {
            throw InputError(
                token: text, problem: "is not a date or an instant",
                accepted: "a date as YYYY-MM-DD or " + Instant.accepted)
        }
    }

    /// The form `init(parsing:)` reads: a day as `YYYY-MM-DD`, an instant in its ISO 8601 form.
    package var description: String {
        switch self {
        case let .day(d): d.description
        case let .instant(i): i.description
        }
    }
}

/// A due date with its instant in UTC and what it was computed from.
package struct DueResult: Sendable, Hashable {
    /// The start it was computed from.
    package var start: Start
    /// The period counted.
    package var period: Period
    /// The IANA zone whose day `due` is.
    package var zone: String
    /// The calendar region whose working days were counted.
    package var region: String
    /// The due day in `zone`.
    package var due: CivilDate
    /// When it ends: 24:00 of `due` in `zone`, or the instant an hour or minute period ends.
    package var dueInstant: Instant
    /// The day rests on an estimated year (no notice yet) and may move when one is imported.
    package var provisional: Bool
    /// For day, month and year periods: the computation behind the due day.
    package var deadline: Deadline?
}

/// Computes deadlines from a start, a period and a zone on a region's working calendar.
package struct DueCalculator: Sendable {
    /// The region's calendar that decides working days and rolls.
    package let calendar: WorkingCalendar

    /// A calculator on one region's calendar.
    package init(calendar: WorkingCalendar) { self.calendar = calendar }

    /// The due day and instant of `period` from `start` in `zone`; an hour or minute period from a day is an error,
    /// since it needs an instant.
    package func due(from start: Start, _ period: Period, roll: Roll? = nil, zone: Zone = .shanghai) throws -> DueResult {
        if let seconds = period.seconds {
            guard case let .instant(i) = start else {
                throw InputError(
                    token: start.description, problem: "is a day, but \(period) counts from an instant",
                    accepted: Instant.accepted)
            }
            let dueInstant = i.adding(seconds: seconds)
            return DueResult(
                start: start, period: period, zone: zone.identifier, region: calendar.region, due: zone.day(of: dueInstant),
                dueInstant: dueInstant, provisional: false, deadline: nil)
        }
        let day: CivilDate
        switch start {
        case let .day(d): day = d
        case let .instant(i): day = zone.day(of: i)
        }
        let d = try calendar.deadline(from: day, period, roll: roll)
        return DueResult(
            start: start, period: period, zone: zone.identifier, region: calendar.region, due: d.due,
            dueInstant: zone.endOfDay(d.due), provisional: d.provisional, deadline: d)
    }
}
