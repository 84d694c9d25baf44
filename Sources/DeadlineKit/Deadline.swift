/// A computed due day and the facts needed to explain it.
public struct Deadline: Hashable, Sendable {
    /// The triggering day, or for a backward period the date counted back from; itself never counted (art. 201).
    public var start: CivilDate
    /// The period as given; its sign sets the direction of counting and the default roll.
    public var period: Period
    /// The roll actually applied (the caller's, or `Roll.default(for:)`), kept so the explanation can state it.
    public var roll: Roll
    /// The day the period ends before any roll (for working-day periods, the due day itself).
    public var landing: CivilDate
    /// The last day to act; the period ends at 24:00 of it (Civil Code art. 203).
    public var due: CivilDate
    /// True when a day whose status decided the result lies in a year without an official calendar.
    public var provisional: Bool

    /// The days whose working status decided the result.
    public var decidingDays: ClosedRange<CivilDate> {
        switch period.unit {
        case .workingDays:
            return period.isBackward ? due...start.adding(days: -1) : start.adding(days: 1)...due
        default:
            return min(landing, due)...max(landing, due)
        }
    }
}

extension WorkingCalendar {
    /// Computes the due day of a day, month or year period from `start` under the Civil Code
    /// (arts. 201-203): the start day is not counted, months clamp to the month's end, and a rest day
    /// at the end rolls by `roll` (default: forward after a trigger, backward before a date).
    public func deadline(from start: CivilDate, _ period: Period, roll: Roll? = nil) throws(Error) -> Deadline {
        let roll = roll ?? Roll.default(for: period)
        let landing: CivilDate
        let due: CivilDate
        switch period.unit {
        case .workingDays:
            due = try addingWorkingDays(period.amount, to: start)
            landing = due
        case .days, .months, .years:
            switch period.unit {
            case .days: landing = start.adding(days: period.amount)
            case .months: landing = start.adding(months: period.amount)
            default: landing = start.adding(years: period.amount)
            }
            due = try rolled(landing, roll)
        case .hours, .minutes, .seconds:
            throw Error(
                description: "\(period) runs from an instant, not a day: give the start as an instant, e.g. 2025-03-03T14:05:00+08:00")
        }
        var d = Deadline(start: start, period: period, roll: roll, landing: landing, due: due, provisional: false)
        d.provisional = touchesEstimate(d.decidingDays.lowerBound, d.decidingDays.upperBound)
        return d
    }
}
