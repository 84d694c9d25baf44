import DeadlineKit

/// Test helpers shared by the DeadlineKit suites.
///
/// `SpecCalendar.cn` is built from the table in shared/legal/periods-and-calendars.md, section 2,
/// transcribed by hand here (not read from config/), so the engine is checked against the spec
/// independently of the shipped calendar files. 2023 and 2027 are added as *estimated* years
/// (weekends plus New Year's Day only: a stand-in, DeadlineKit has no estimator) so that month
/// arithmetic into them and the provisional flag can be exercised.
enum SpecCalendar {
    static func d(_ s: String) -> CivilDate { try! CivilDate(parsing: s) }

    static func run(_ name: String, _ from: String, _ to: String, _ makeUps: [String] = []) -> HolidayRun {
        HolidayRun(name: name, first: d(from), last: d(to), makeUpDays: makeUps.map(d))
    }

    static let official2024 = YearCalendar(
        year: 2024,
        holidays: [
            run("New Year's Day", "2024-01-01", "2024-01-01"),
            run("Spring Festival", "2024-02-10", "2024-02-17", ["2024-02-04", "2024-02-18"]),
            run("Qingming Festival", "2024-04-04", "2024-04-06", ["2024-04-07"]),
            run("Labour Day", "2024-05-01", "2024-05-05", ["2024-04-28", "2024-05-11"]),
            run("Dragon Boat Festival", "2024-06-08", "2024-06-10"),
            run("Mid-Autumn Festival", "2024-09-15", "2024-09-17", ["2024-09-14"]),
            run("National Day", "2024-10-01", "2024-10-07", ["2024-09-29", "2024-10-12"])
        ], source: .official(notice: "国办发明电〔2023〕7号", published: nil, file: "spec", version: 1))

    static let official2025 = YearCalendar(
        year: 2025,
        holidays: [
            run("New Year's Day", "2025-01-01", "2025-01-01"),
            run("Spring Festival", "2025-01-28", "2025-02-04", ["2025-01-26", "2025-02-08"]),
            run("Qingming Festival", "2025-04-04", "2025-04-06"),
            run("Labour Day", "2025-05-01", "2025-05-05", ["2025-04-27"]),
            run("Dragon Boat Festival", "2025-05-31", "2025-06-02"),
            run("National Day", "2025-10-01", "2025-10-08", ["2025-09-28", "2025-10-11"])
        ], source: .official(notice: "国办发明电〔2024〕12号", published: nil, file: "spec", version: 1))

    static let official2026 = YearCalendar(
        year: 2026,
        holidays: [
            run("New Year's Day", "2026-01-01", "2026-01-03", ["2026-01-04"]),
            run("Spring Festival", "2026-02-15", "2026-02-23", ["2026-02-14", "2026-02-28"]),
            run("Qingming Festival", "2026-04-04", "2026-04-06"),
            run("Labour Day", "2026-05-01", "2026-05-05", ["2026-05-09"]),
            run("Dragon Boat Festival", "2026-06-19", "2026-06-21"),
            run("Mid-Autumn Festival", "2026-09-25", "2026-09-27"),
            run("National Day", "2026-10-01", "2026-10-07", ["2026-09-20", "2026-10-10"])
        ], source: .official(notice: "notice of 2025-11-04", published: nil, file: "spec", version: 1))

    static func estimated(_ year: Int) -> YearCalendar {
        let ny = CivilDate(year: year, month: 1, day: 1)!
        return YearCalendar(
            year: year, holidays: [HolidayRun(name: "New Year's Day", first: ny, last: ny)],
            source: .estimated(method: "test stand-in: weekends and New Year's Day"))
    }

    /// 2023 (estimated), 2024-2026 (official, from the spec), 2027 (estimated).
    static let cn: WorkingCalendar = try! WorkingCalendar(
        region: "cn", yearCalendars: [estimated(2023), official2024, official2025, official2026, estimated(2027)])

    /// Official years only, for properties that must not depend on the stand-in estimates.
    static let officialRange = d("2024-01-01")...d("2026-12-31")
}

/// SplitMix64: a tiny, fully deterministic generator so every property run sees the same cases
/// on every machine (the seed is printed in each test name's comment, not taken from the clock).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension WorkingCalendar {
    /// A slow, obviously-correct reference: walk day by day and count working days.
    func referenceAddingWorkingDays(_ n: Int, to d: CivilDate) throws -> CivilDate {
        var day = d
        var left = abs(n)
        let step = n > 0 ? 1 : -1
        while left > 0 {
            day = day.adding(days: step)
            if try isWorkingDay(day) { left -= 1 }
        }
        return day
    }
}
