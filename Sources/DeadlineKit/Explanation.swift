/// Why a deadline falls where it does, in terms an auditor can check against the official notices.
public struct Explanation: Sendable {
    /// A holiday run that fell among the deciding days, clipped to them, so the account shows only the days off that
    /// actually moved the due day.
    public struct SkippedHoliday: Hashable, Sendable {
        /// The whole run as announced, for its names; `first` and `last` give the clipped part.
        public var run: HolidayRun
        /// The part of the run inside the deciding days.
        public var first: CivilDate
        /// The last day of that part; equal to `first` when a single day of the run was inside.
        public var last: CivilDate
    }

    /// The counting rule applied, one sentence per element, each citing its article (Civil Code arts. 201-203).
    public var rule: [String]
    /// Holiday runs skipped in counting; for day, month and year periods only those a roll crossed, since only the
    /// roll looked at working status.
    public var skippedHolidays: [SkippedHoliday]
    /// Ordinary weekend days skipped; those inside a holiday run are left out, as the run already accounts for them.
    public var weekendDaysSkipped: [CivilDate]
    /// Weekend days counted as working days because a notice made them make-up days: the usual surprise in a result.
    public var makeUpDaysCounted: [CivilDate]
    /// The year calendars the deciding days lie in, so the account cites the notice or estimate each year rests on.
    public var calendars: [YearCalendar]
    /// The deadline's flag: the result rests on an estimated year and will be recomputed when its notice is loaded.
    public var provisional: Bool
    /// Why the end did or did not roll (rest day, make-up day, `--roll none`); nil for working-day periods, which land
    /// on a working day by construction.
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
            out.append(
                "PROVISIONAL: the result depends on a year whose official calendar is not loaded; it will be recomputed when that calendar is added"
            )
        }
        return out
    }
}

extension WorkingCalendar {
    /// Rebuilds from a computed deadline what an auditor needs to check it against the notices: the rule, the roll,
    /// the holidays, weekends and make-up days among the deciding days, and the calendars used.
    public func explain(_ d: Deadline) -> Explanation {
        var rule: [String] = []
        let dir = d.period.isBackward ? "before" : "after"
        switch d.period.unit {
        case .workingDays:
            rule.append(
                "Counting \(d.period.humanDescription) \(d.start): the \(ordinal(abs(d.period.amount))) working day strictly \(dir) it (start day excluded, Civil Code art. 201)."
            )
            rule.append(
                "Working days exclude weekends and statutory holidays and include make-up working days (Administrative Licensing Law art. 82; State Council notices)."
            )
        case .days:
            rule.append(
                "Counting \(d.period.humanDescription) \(d.start): start day excluded (Civil Code art. 201), the period ends on \(d.landing) (\(d.landing.weekdayName))."
            )
        case .months, .years:
            rule.append(
                "Counting \(d.period.humanDescription) \(d.start): the corresponding day, or the last day of a shorter month (Civil Code art. 202), is \(d.landing) (\(d.landing.weekdayName))."
            )
        default:
            break
        }
        rule.append("Due: \(d.due) (\(d.due.weekdayName)); the period ends at 24:00 of that day (Civil Code art. 203).")
        var rollNote: String?
        if d.period.unit != .workingDays {
            if d.landing != d.due {
                rollNote =
                    "\(d.landing) is a rest day, so the end rolls \(d.roll.rawValue) to the \(d.roll == .forward ? "next" : "last") working day \(d.due) (\(d.roll == .forward ? "Civil Code art. 203" : "conservative roll for a period before a date"))."
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
        for y in yearsDeciding(span.lowerBound, span.upperBound).map { Array($0) } ?? [] {
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
        return Explanation(
            rule: rule, skippedHolidays: skipped, weekendDaysSkipped: weekends,
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
