/// The working-day calendar of a region over a contiguous range of years, precomputed so that
/// "the Nth working day after" is two array reads.
public struct WorkingCalendar: Sendable {
    /// A calendar that cannot be built, a day or period outside the covered years, or an instant period given a day;
    /// a message only, since callers report it rather than branch on it.
    public struct Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// The message, naming the region and the covered years so the user knows which calendar data is missing.
        public var description: String
    }

    /// The region whose notices the data follows (`cn`); rules and entities choose their calendar by it.
    public let region: String
    /// The years covered; a day outside them is an error, never silently treated as "weekends only".
    public let years: ClosedRange<Int>
    /// One calendar per covered year, sorted, so year `y` is at index `y - years.lowerBound`.
    public let yearCalendars: [YearCalendar]
    /// Day number of January 1 of the first year.
    let base: Int
    /// Per day from `base`: true when it is a working day.
    let working: [Bool]
    /// Per day from `base`: how many working days fall on or before it.
    let workingUpTo: [Int32]
    /// Offsets (from `base`) of the working days, in order.
    let workingDays: [Int32]
    let estimatedYears: [Bool]
    /// Per covered year: the day number of the earliest day of the year before that its notice names (a New
    /// Year run or make-up day in late December), or `Int.max` when it names none.
    let reachBack: [Int]

    /// `yearCalendars` must cover every year of a contiguous range exactly once.
    public init(region: String, yearCalendars: [YearCalendar]) throws(Error) {
        let sorted = yearCalendars.sorted { $0.year < $1.year }
        guard let first = sorted.first, let last = sorted.last else {
            throw Error(description: "calendar \(region): no years given")
        }
        for (i, y) in sorted.enumerated() where y.year != first.year + i {
            throw Error(description: "calendar \(region): years must be contiguous; \(first.year + i) is missing or \(y.year) is repeated")
        }
        self.region = region
        self.years = first.year...last.year
        self.yearCalendars = sorted
        self.base = CivilDate(year: first.year, month: 1, day: 1)!.dayNumber
        let end = CivilDate(year: last.year, month: 12, day: 31)!.dayNumber
        var working = [Bool](repeating: false, count: end - base + 1)
        for i in working.indices { working[i] = !CivilDate(dayNumber: base + i).isWeekend }
        for y in sorted {
            for run in y.holidays {
                for d in run.first.dayNumber...run.last.dayNumber where d >= base && d <= end { working[d - base] = false }
                for m in run.makeUpDays where m.dayNumber >= base && m.dayNumber <= end { working[m.dayNumber - base] = true }
            }
        }
        var upTo = [Int32](repeating: 0, count: working.count)
        var list: [Int32] = []
        list.reserveCapacity(working.count * 3 / 4)
        var count: Int32 = 0
        for i in working.indices {
            if working[i] {
                count += 1
                list.append(Int32(i))
            }
            upTo[i] = count
        }
        self.working = working
        self.workingUpTo = upTo
        self.workingDays = list
        self.estimatedYears = sorted.map(\.source.isEstimated)
        self.reachBack = sorted.map { y in
            let jan1 = CivilDate(year: y.year, month: 1, day: 1)!.dayNumber
            let days = y.holidays.flatMap { [$0.first.dayNumber] + $0.makeUpDays.map(\.dayNumber) }
            return days.filter { $0 < jan1 }.min() ?? Int.max
        }
    }

    /// January 1 of the first covered year: the earliest day the calendar can answer for.
    public var firstDay: CivilDate { CivilDate(dayNumber: base) }
    /// December 31 of the last covered year; a period running past it fails instead of guessing.
    public var lastDay: CivilDate { CivilDate(dayNumber: base + working.count - 1) }

    /// Whether `d` lies in the covered years, i.e. whether the day queries below will answer rather than throw.
    public func contains(_ d: CivilDate) -> Bool { d.dayNumber >= base && d.dayNumber - base < working.count }

    func check(_ d: CivilDate) throws(Error) {
        guard contains(d) else {
            throw Error(description: "\(d) is outside the \(region) calendar, which covers \(years.lowerBound)-\(years.upperBound)")
        }
    }

    /// Weekdays work unless inside a holiday run; weekend days rest unless a notice made them make-up working days
    /// (Administrative Licensing Law art. 82). Throws outside the covered years rather than guess.
    public func isWorkingDay(_ d: CivilDate) throws(Error) -> Bool {
        try check(d)
        return working[d.dayNumber - base]
    }

    /// The calendar of year `y`, or nil outside the covered years; explanations use it to cite each year's source.
    public func year(_ y: Int) -> YearCalendar? {
        years.contains(y) ? yearCalendars[y - years.lowerBound] : nil
    }

    /// The holiday run that makes `d` a day off, if any; in late December it may be the next year's
    /// (the 2019 notice's New Year run began on 2018-12-30).
    public func holiday(on d: CivilDate) -> HolidayRun? {
        year(d.year)?.holidays.first { $0.contains(d) } ?? year(d.year + 1)?.holidays.first { $0.contains(d) }
    }

    /// The holiday a make-up working day belongs to, if `d` is one.
    public func makeUpHoliday(on d: CivilDate) -> HolidayRun? {
        for y in [d.year, d.year + 1, d.year - 1] {
            if let run = year(y)?.holidays.first(where: { $0.makeUpDays.contains(d) }) { return run }
        }
        return nil
    }

    /// The covered years whose calendars decide the days `a...b`: the years of the days, and the next year
    /// too when its notice names one of them (2018-12-29..31 are decided by the 2019 notice). Nil when the
    /// span lies wholly outside the covered years.
    public func yearsDeciding(_ a: CivilDate, _ b: CivilDate) -> ClosedRange<Int>? {
        // Only the covered years can decide; a span wholly outside them has none (the old clamping formed
        // an invalid range, and trapped, for spans after the last year).
        let first = min(a, b), last = max(a, b)
        let lo = max(first.year, years.lowerBound), hi = min(last.year, years.upperBound)
        guard lo <= hi else { return nil }
        if last.year == hi, hi < years.upperBound, reachBack[hi + 1 - years.lowerBound] <= last.dayNumber,
            let next = year(hi + 1),
            next.holidays.contains(where: { run in
                (run.first <= last && run.last >= first) || run.makeUpDays.contains { first <= $0 && $0 <= last }
            })
        {
            return lo...(hi + 1)
        }
        return lo...hi
    }

    /// Whether any day in `a...b` is decided by a year computed on an estimate.
    public func touchesEstimate(_ a: CivilDate, _ b: CivilDate) -> Bool {
        guard let deciding = yearsDeciding(a, b) else { return false }
        for y in deciding where estimatedYears[y - years.lowerBound] { return true }
        return false
    }

    /// The `n`th working day strictly after `d` (n > 0) or strictly before it (n < 0).
    public func addingWorkingDays(_ n: Int, to d: CivilDate) throws(Error) -> CivilDate {
        try check(d)
        let i = d.dayNumber - base
        let upTo = Int(workingUpTo[i])
        let index = n > 0 ? upTo + n - 1 : upTo - (working[i] ? 1 : 0) + n
        guard index >= 0, index < workingDays.count else {
            throw Error(
                description:
                    "\(d) \(n > 0 ? "+" : "")\(n)wd runs past the \(region) calendar, which covers \(years.lowerBound)-\(years.upperBound)")
        }
        return CivilDate(dayNumber: base + Int(workingDays[index]))
    }

    /// `d` itself when it is a working day, else the nearest working day in the direction of `roll`.
    public func rolled(_ d: CivilDate, _ roll: Roll) throws(Error) -> CivilDate {
        try check(d)
        let i = d.dayNumber - base
        if working[i] || roll == .none { return d }
        let upTo = Int(workingUpTo[i])
        let index = roll == .forward ? upTo : upTo - 1
        guard index >= 0, index < workingDays.count else {
            throw Error(
                description: "rolling \(d) \(roll) runs past the \(region) calendar, which covers \(years.lowerBound)-\(years.upperBound)")
        }
        return CivilDate(dayNumber: base + Int(workingDays[index]))
    }

    /// Working days in `a...b`, both included.
    public func workingDayCount(from a: CivilDate, through b: CivilDate) throws(Error) -> Int {
        try check(a)
        try check(b)
        guard a <= b else { return 0 }
        let before = a.dayNumber > base ? Int(workingUpTo[a.dayNumber - base - 1]) : 0
        return Int(workingUpTo[b.dayNumber - base]) - before
    }
}
