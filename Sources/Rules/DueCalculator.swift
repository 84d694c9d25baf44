import DeadlineKit

/// Where a period starts: a day (most legal triggers) or an instant (incidents, hour and minute periods).
public enum Start: Sendable, Hashable, CustomStringConvertible {
    case day(CivilDate)
    case instant(Instant)

    public init(parsing text: String) throws(InputError) {
        if text.utf8.count == 10 {
            self = .day(try CivilDate(parsing: text))
        } else if text.contains("T") || text.contains("t") {
            self = .instant(try Instant(parsing: text))
        } else {
            throw InputError(token: text, problem: "is not a date or an instant",
                             accepted: "a date as YYYY-MM-DD or " + Instant.accepted)
        }
    }

    public var description: String {
        switch self {
        case let .day(d): d.description
        case let .instant(i): i.description
        }
    }
}

/// A due date with its instant in UTC and what it was computed from.
public struct DueResult: Sendable, Hashable {
    public var start: Start
    public var period: Period
    public var zone: String
    public var region: String
    public var due: CivilDate
    public var dueInstant: Instant
    public var provisional: Bool
    /// For day, month and year periods: the computation behind the due day.
    public var deadline: Deadline?
}

/// Computes deadlines from a start, a period and a zone on a region's working calendar.
public struct DueCalculator: Sendable {
    public let calendar: WorkingCalendar

    public init(calendar: WorkingCalendar) { self.calendar = calendar }

    public func due(from start: Start, _ period: Period, roll: Roll? = nil, zone: Zone = .shanghai) throws -> DueResult {
        if let seconds = period.seconds {
            guard case let .instant(i) = start else {
                throw InputError(token: start.description, problem: "is a day, but \(period) counts from an instant",
                                 accepted: Instant.accepted)
            }
            let dueInstant = i.adding(seconds: seconds)
            return DueResult(start: start, period: period, zone: zone.identifier, region: calendar.region, due: zone.day(of: dueInstant),
                             dueInstant: dueInstant, provisional: false, deadline: nil)
        }
        let day: CivilDate
        switch start {
        case let .day(d): day = d
        case let .instant(i): day = zone.day(of: i)
        }
        let d = try calendar.deadline(from: day, period, roll: roll)
        return DueResult(start: start, period: period, zone: zone.identifier, region: calendar.region, due: d.due,
                         dueInstant: zone.endOfDay(d.due), provisional: d.provisional, deadline: d)
    }
}
