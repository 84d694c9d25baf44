/// A run of consecutive days off for one holiday, as an official notice announces it.
public struct HolidayRun: Hashable, Sendable {
    /// The English name, used in explanations and JSON output.
    public var name: String
    /// The name in the notice (春节), so an auditor can match the run to it; optional for runs that have none.
    public var localName: String?
    /// The first day off. The run includes the weekend days inside it, as the notices count them.
    public var first: CivilDate
    /// The last day off, included; the first working day after it is where an art. 203 roll lands.
    public var last: CivilDate
    /// Weekend days worked in exchange for this holiday (调休上班).
    public var makeUpDays: [CivilDate]

    /// `makeUpDays` defaults to none: many runs (e.g. Dragon Boat, Qingming in 2025) have no make-up working day.
    public init(
        name: String, localName: String? = nil, first: CivilDate, last: CivilDate,
        makeUpDays: [CivilDate] = []
    ) {
        self.name = name
        self.localName = localName
        self.first = first
        self.last = last
        self.makeUpDays = makeUpDays
    }

    /// Days off in the run, ends and inner weekends included, as the notice counts them (Spring Festival 2025: 8).
    public var dayCount: Int { last.dayNumber - first.dayNumber + 1 }

    /// Whether `d` is a day off of this run; its make-up days lie outside the run and are not contained.
    public func contains(_ d: CivilDate) -> Bool { first <= d && d <= last }
}

/// Where a year's working days come from; every explanation names it.
public enum CalendarSource: Hashable, Sendable {
    /// Announced by the State Council notice; `file` and `version` identify the data obligd read.
    case official(notice: String, published: CivilDate?, file: String, version: Int)
    /// Not announced yet: weekends plus the statutory holidays, derived by `method`. Results are provisional.
    case estimated(method: String)

    /// True for a year whose notice is not out yet: deadlines reaching into it are provisional and get recomputed.
    public var isEstimated: Bool { if case .estimated = self { true } else { false } }
}

/// The working-day rules of one year of one region.
public struct YearCalendar: Sendable, Equatable {
    /// The Gregorian year described, January 1 to December 31.
    public var year: Int
    /// The runs of days off announced (or estimated) for the year. A notice's New Year run and make-up days
    /// may fall in the last days of December before (2019's run began on 2018-12-30); `WorkingCalendar`
    /// applies them there and cites this year for those days.
    public var holidays: [HolidayRun]
    /// The notice or estimate behind the year, cited in every explanation so each deadline can be traced.
    public var source: CalendarSource

    /// Memberwise; `WorkingCalendar.init` checks that the years it is given are contiguous.
    public init(year: Int, holidays: [HolidayRun], source: CalendarSource) {
        self.year = year
        self.holidays = holidays
        self.source = source
    }

    /// All make-up working days of the year's runs in date order, e.g. for listing the year's calendar.
    public var makeUpDays: [CivilDate] { holidays.flatMap(\.makeUpDays).sorted() }

    /// One line naming the year and its source, for explanations and `--json`.
    public var sourceDescription: String {
        switch source {
        case let .official(notice, published, file, version):
            var s = "\(year): \(file) v\(version), \(notice)"
            if let published { s += " (published \(published))" }
            return s
        case let .estimated(method):
            return "\(year): PROVISIONAL estimate (\(method)); no official calendar loaded"
        }
    }
}
