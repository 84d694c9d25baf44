/// A run of consecutive days off for one holiday, as an official notice announces it.
public struct HolidayRun: Hashable, Sendable {
    public var name: String
    public var localName: String?
    public var first: CivilDate
    public var last: CivilDate
    /// Weekend days worked in exchange for this holiday (调休上班).
    public var makeUpDays: [CivilDate]

    public init(name: String, localName: String? = nil, first: CivilDate, last: CivilDate,
                makeUpDays: [CivilDate] = []) {
        self.name = name
        self.localName = localName
        self.first = first
        self.last = last
        self.makeUpDays = makeUpDays
    }

    public var dayCount: Int { last.dayNumber - first.dayNumber + 1 }

    public func contains(_ d: CivilDate) -> Bool { first <= d && d <= last }
}

/// Where a year's working days come from; every explanation names it.
public enum CalendarSource: Hashable, Sendable {
    /// Announced by the State Council notice; `file` and `version` identify the data obligd read.
    case official(notice: String, published: CivilDate?, file: String, version: Int)
    /// Not announced yet: weekends plus the statutory holidays, derived by `method`. Results are provisional.
    case estimated(method: String)

    public var isEstimated: Bool { if case .estimated = self { true } else { false } }
}

/// The working-day rules of one year of one region.
public struct YearCalendar: Sendable, Equatable {
    public var year: Int
    public var holidays: [HolidayRun]
    public var source: CalendarSource

    public init(year: Int, holidays: [HolidayRun], source: CalendarSource) {
        self.year = year
        self.holidays = holidays
        self.source = source
    }

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
