/// Why a deadline falls where it does, in terms an auditor can check against the official notices.
public struct Explanation: Sendable {
    public struct SkippedHoliday: Hashable, Sendable {
        public var run: HolidayRun
        /// The part of the run inside the deciding days.
        public var first: CivilDate
        public var last: CivilDate
    }

    public var rule: [String]
    public var skippedHolidays: [SkippedHoliday]
    public var weekendDaysSkipped: [CivilDate]
    public var makeUpDaysCounted: [CivilDate]
    public var calendars: [YearCalendar]
    public var provisional: Bool
    public var rollNote: String?

    /// A plain-text account, one statement per line.
    public var lines: [String] {
        var out = rule
        if let rollNote { out.append(rollNote) }
        for h in skippedHolidays {
            let name = h.run.localName.map { "\(h.run.name) (\($0))" } ?? h.run.name
            let span = h.first == h.last ? "\(h.first)" : "\(h.first)..\(h.last)"
            out.append("Skipped holiday: \(name) \(span), \(h.last.dayNumber - h.first.dayNumber + 1) day(s) off")
        }
        if !weekendDaysSkipped.isEmpty {
            out.append("Skipped weekend days: \(weekendDaysSkipped.count)")
        }
        for m in makeUpDaysCounted {
            out.append("Make-up working day counted: \(m) (\(m.weekdayName))")
        }
        for c in calendars { out.append("Calendar " + c.sourceDescription) }
        if provisional {
            out.append("PROVISIONAL: the result depends on a year whose official calendar is not loaded; it will be recomputed when that calendar is added")
        }
        return out
    }
}

extension WorkingCalendar {
    public func explain(_ d: Deadline) -> Explanation {
        var rule: [String] = []
        let dir = d.period.isBackward ? "before" : "after"
        switch d.period.unit {
        case .workingDays:
            rule.append("Counting \(d.period.humanDescription) \(d.start): the \(ordinal(abs(d.period.amount))) working day strictly \(dir) it (start day excluded, Civil Code art. 201).")
            rule.append("Working days exclude weekends and statutory holidays and include make-up working days (Administrative Licensing Law art. 82; State Council notices).")
        case .days:
            rule.append("Counting \(d.period.humanDescription) \(d.start): start day excluded (Civil Code art. 201), the period ends on \(d.landing) (\(d.landing.weekdayName)).")
        case .months, .years:
            rule.append("Counting \(d.period.humanDescription) \(d.start): the corresponding day, or the last day of a shorter month (Civil Code art. 202), is \(d.landing) (\(d.landing.weekdayName)).")
        default:
            break
        }
        rule.append("Due: \(d.due) (\(d.due.weekdayName)); the period ends at 24:00 of that day (Civil Code art. 203).")
        var rollNote: String?
        if d.period.unit != .workingDays {
            if d.landing != d.due {
                rollNote = "\(d.landing) is a rest day, so the end rolls \(d.roll.rawValue) to the \(d.roll == .forward ? "next" : "last") working day \(d.due) (\(d.roll == .forward ? "Civil Code art. 203" : "conservative roll for a period before a date"))."
            } else if d.roll == .none, (try? isWorkingDay(d.landing)) == false {
                rollNote = "\(d.landing) is a rest day; no roll was asked for (--roll none)."
            } else if let run = makeUpHoliday(on: d.landing) {
                rollNote = "\(d.landing) is a \(d.landing.weekdayName) but a make-up working day for \(run.name), so it does not roll."
            } else {
                rollNote = "\(d.landing) is a working day, so it does not roll."
            }
        }
        let span = d.decidingDays
        var skipped: [Explanation.SkippedHoliday] = []
        var weekends: [CivilDate] = []
        var makeUps: [CivilDate] = []
        var yearsSeen: [YearCalendar] = []
        for y in span.lowerBound.year...span.upperBound.year {
            if let yc = year(y) {
                yearsSeen.append(yc)
                for run in yc.holidays where run.last >= span.lowerBound && run.first <= span.upperBound {
                    skipped.append(.init(run: run, first: max(run.first, span.lowerBound), last: min(run.last, span.upperBound)))
                }
            }
        }
        if span.lowerBound <= span.upperBound {
            for n in span.lowerBound.dayNumber...span.upperBound.dayNumber {
                let day = CivilDate(dayNumber: n)
                guard let w = try? isWorkingDay(day) else { continue }
                if day.isWeekend {
                    if w { makeUps.append(day) } else if holiday(on: day) == nil { weekends.append(day) }
                }
            }
        }
        if d.period.unit != .workingDays {
            // Only the roll decided anything; report holidays and weekends only if a roll crossed them.
            skipped = skipped.filter { _ in d.landing != d.due }
            weekends = d.landing != d.due ? weekends : []
        }
        return Explanation(rule: rule, skippedHolidays: skipped, weekendDaysSkipped: weekends,
                           makeUpDaysCounted: makeUps, calendars: yearsSeen, provisional: d.provisional,
                           rollNote: rollNote)
    }
}

/// 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st, 22nd, 101st.
func ordinal(_ n: Int) -> String {
    let suffix: String
    switch (n % 10, n % 100) {
    case (_, 11...13): suffix = "th"
    case (1, _): suffix = "st"
    case (2, _): suffix = "nd"
    case (3, _): suffix = "rd"
    default: suffix = "th"
    }
    return "\(n)\(suffix)"
}
