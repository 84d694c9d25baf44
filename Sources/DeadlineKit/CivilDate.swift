/// A day of the proleptic Gregorian calendar with no time and no zone: the unit the Civil Code counts in.
///
/// Stored as a day number (days since 1970-01-01) so that comparisons and day arithmetic are integer
/// operations; the year, month and day are derived on demand.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let dayNumber: Int

    /// Wraps a day number unchecked: day arithmetic produces these and must not fail. Validate human input with
    /// `init?(year:month:day:)` or `init(parsing:)` instead.
    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    /// Returns nil when the day does not exist (2025-02-30) or the year is outside 1...9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CivilDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.dayNumber = CivilDate.daysFromCivil(year, month, day)
    }

    /// The Gregorian year, derived from `dayNumber` on each access (only the day number is stored).
    public var year: Int { components.year }
    /// The month, 1 = January ... 12 = December (not 0-based), derived on each access.
    public var month: Int { components.month }
    /// The day of the month, 1...31, derived on each access; read `components` when you need all three.
    public var day: Int { components.day }

    /// Year, month and day from one conversion (Hinnant's civil_from_days), cheaper than the three properties apart.
    public var components: (year: Int, month: Int, day: Int) { CivilDate.civilFromDays(dayNumber) }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (dayNumber + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// Saturday or Sunday. Only the default rest days: a make-up working day (调休上班) is a worked weekend day,
    /// so ask `WorkingCalendar.isWorkingDay`, not this, whether a day counts.
    public var isWeekend: Bool { isoWeekday >= 6 }

    /// The English weekday, shown beside dates in explanations so a reader sees at once why a day rolled.
    public var weekdayName: String {
        ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"][isoWeekday - 1]
    }

    /// Plain calendar-day arithmetic with no rolling: a `+15d` period lands here (start day excluded, art. 201) before
    /// `WorkingCalendar.rolled` moves it off a rest day (art. 203).
    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// Civil Code art. 202: the corresponding day `months` later (or earlier); when that month has no
    /// such day, its last day.
    public func adding(months: Int) -> CivilDate {
        let c = components
        let total = c.year * 12 + (c.month - 1) + months
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        let d = min(c.day, CivilDate.daysIn(month: m, year: y))
        return CivilDate(dayNumber: CivilDate.daysFromCivil(y, m, d))
    }

    /// A year is 12 months (art. 202): 2024-02-29 + 1 year clamps to 2025-02-28 instead of spilling into March.
    public func adding(years: Int) -> CivilDate { adding(months: years * 12) }

    /// Chronological order, by day number, without deriving year, month and day.
    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    /// `YYYY-MM-DD`.
    public var description: String {
        let c = components
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    /// The Gregorian rule (every 4th year; centuries only if divisible by 400), applied proleptically: it decides
    /// whether February has 29 days, and so where a month period ending in February clamps.
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// Days in month `m` (1...12) of year `y`: the bound that validates dates and that month periods clamp to
    /// (art. 202). Any other `m` gives 31, so validate the month first.
    public static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

extension CivilDate {
    /// Parses exactly `YYYY-MM-DD`; anything else (other separators, missing zeros, impossible days) fails.
    public init(parsing text: Substring) throws(InputError) {
        let b = Array(text.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count == 10, b[4] == 45, b[7] == 45,
            let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10)
        else {
            throw InputError(
                token: String(text), problem: "is not a date",
                accepted: "a date as YYYY-MM-DD, e.g. 2025-01-27")
        }
        guard let date = CivilDate(year: y, month: m, day: d) else {
            throw InputError(
                token: String(text), problem: "is not a day of the calendar",
                accepted: "a real date as YYYY-MM-DD (month 01-12, day within the month)")
        }
        self = date
    }

    /// Same strict `YYYY-MM-DD` parse, for a `String`.
    public init(parsing text: String) throws(InputError) { try self.init(parsing: Substring(text)) }
}
