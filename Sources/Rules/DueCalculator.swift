import DeadlineKit

/// Where a period starts: a day (most legal triggers) or an instant (incidents, hour and minute periods).
package enum Start: Sendable, Hashable, CustomStringConvertible {
    case day(CivilDate)
    case instant(Instant)

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

    package var description: String {
        switch self {
        case let .day(d): d.description
        case let .instant(i): i.description
        }
    }
}

/// A due date with its instant in UTC and what it was computed from.
package struct DueResult: Sendable, Hashable {
    package var start: Start
    package var period: Period
    package var zone: String
    package var region: String
    package var due: CivilDate
    package var dueInstant: Instant
    package var provisional: Bool
    /// For day, month and year periods: the computation behind the due day.
    package var deadline: Deadline?
}

/// Computes deadlines from a start, a period and a zone on a region's working calendar.
package struct DueCalculator: Sendable {
    package let calendar: WorkingCalendar

    package init(calendar: WorkingCalendar) { self.calendar = calendar }

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
