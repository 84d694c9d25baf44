import DeadlineKit

/// What a new calendar year changes against the calendar in force, day by day, from the last week of
/// December before it (where a notice may reach) to its end.
///
/// Why: a notice replaces the estimate obligd used for its year (or an earlier file for it). The
/// operator importing it sees which days change status before any deadline moves: days that become
/// days off, weekdays the old calendar gave off that become working days, and weekend days that
/// become make-up working days.
package struct CalendarChanges: Sendable, Equatable {
    /// A day whose status changes, and why, in words.
    package struct Day: Sendable, Equatable {
        /// The day whose status changes.
        package var day: CivilDate
        /// Why, for the operator reviewing the import ("Spring Festival (春节)", "was a day off").
        package var why: String
    }

    /// Working days under the old calendar that are days off under the new one.
    package var newDaysOff: [Day] = []
    /// Weekdays off under the old calendar (a holiday it estimated) that are working days under the new one.
    package var newWorkingDays: [Day] = []
    /// Weekend days that become make-up working days.
    package var makeUpDays: [Day] = []

    /// True when the new year changes no day's status, so no deadline can move.
    package var isEmpty: Bool { newDaysOff.isEmpty && newWorkingDays.isEmpty && makeUpDays.isEmpty }

    /// The changes of `year` (and of the days before it its notice may name) from `old` to `new`.
    package init(year: Int, from old: WorkingCalendar, to new: WorkingCalendar) {
        var d = CalendarFile.earliestDay(of: year)
        let end = CivilDate(year: year, month: 12, day: 31)!
        while d <= end {
            defer { d = d.adding(days: 1) }
            guard let was = try? old.isWorkingDay(d), let now = try? new.isWorkingDay(d), was != now else { continue }
            if !now {
                let why = new.holiday(on: d).map { Self.label($0) } ?? "weekend, no longer a make-up working day"
                newDaysOff.append(Day(day: d, why: why))
            } else if d.isWeekend {
                makeUpDays.append(Day(day: d, why: "for " + (new.makeUpHoliday(on: d).map { Self.label($0) } ?? "a holiday")))
            } else {
                let why = old.holiday(on: d).map { "was " + Self.label($0) } ?? "was a day off"
                newWorkingDays.append(Day(day: d, why: why))
            }
        }
    }

    /// A run in words: "Spring Festival (春节)".
    package static func label(_ run: HolidayRun) -> String { run.localName.map { "\(run.name) (\($0))" } ?? run.name }
}
