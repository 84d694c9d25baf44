import DeadlineKit
import Foundation
import Rules
import TestSupport
import Testing

/// The shipped calendars (embedded config) against the spec table, and the spec's deadlines computed
/// end to end through DueCalculator on them.
@Suite("Shipped calendars and deadlines")
struct ShippedCalendarTests {
    let cal = Fixtures.cn
    func d(_ s: String) -> CivilDate { Fixtures.d(s) }

    /// The spec table (shared/legal/periods-and-calendars.md, section 2) written out by hand.
    static let daysOff: [Int: [(String, String)]] = [
        2024: [
            ("01-01", "01-01"), ("02-10", "02-17"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-08", "06-10"),
            ("09-15", "09-17"), ("10-01", "10-07")
        ],
        2025: [
            ("01-01", "01-01"), ("01-28", "02-04"), ("04-04", "04-06"), ("05-01", "05-05"), ("05-31", "06-02"),
            ("10-01", "10-08")
        ],
        2026: [
            ("01-01", "01-03"), ("02-15", "02-23"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-19", "06-21"),
            ("09-25", "09-27"), ("10-01", "10-07")
        ]
    ]
    static let makeUps: [Int: [String]] = [
        2024: ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"],
        2025: ["01-26", "02-08", "04-27", "09-28", "10-11"],
        2026: ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"]
    ]

    @Test("every day of 2024-2026 has the status the spec table gives it", arguments: [2024, 2025, 2026])
    func matchesSpecTable(year: Int) throws {
        var off = Set<CivilDate>()
        for (a, b) in Self.daysOff[year]! {
            for n in d("\(year)-\(a)").dayNumber...d("\(year)-\(b)").dayNumber { off.insert(CivilDate(dayNumber: n)) }
        }
        let makeUp = Set(Self.makeUps[year]!.map { d("\(year)-\($0)") })
        var wrong: [String] = []
        for n in d("\(year)-01-01").dayNumber...d("\(year)-12-31").dayNumber {
            let day = CivilDate(dayNumber: n)
            let expected = makeUp.contains(day) || (!day.isWeekend && !off.contains(day))
            if try cal.isWorkingDay(day) != expected { wrong.append("\(day)") }
        }
        #expect(wrong.isEmpty, "\(wrong)")
        let yc = try #require(cal.year(year))
        #expect(!yc.source.isEstimated)
        #expect(Set(yc.makeUpDays) == makeUp)
    }

    /// The same hand-checked vectors as DeadlineKitTests/VectorTests (reasoning there), now through the
    /// shipped files and DueCalculator.
    @Test(
        "spec vectors through DueCalculator",
        arguments: [
            ("2025-01-27", "+5wd", "2025-02-10"), ("2024-08-31", "+6mo", "2025-02-28"), ("2026-08-31", "-6mo", "2026-02-28"),
            ("2025-06-01", "+30wd", "2025-07-14"), ("2025-07-18", "+30wd", "2025-08-29"), ("2025-03-03", "+2mo", "2025-05-06"),
            ("2024-01-31", "+1mo", "2024-02-29"), ("2024-02-29", "+1y", "2025-02-28"), ("2026-10-04", "-6mo", "2026-04-03"),
            ("2025-01-20", "+6d", "2025-01-26"), ("2025-02-10", "-5wd", "2025-01-27"), ("2025-12-31", "+1wd", "2026-01-04")
        ])
    func vectors(start: String, period: String, expected: String) throws {
        let r = try DueCalculator(calendar: cal).due(from: Start(parsing: start), Period(parsing: period))
        #expect(r.due.description == expected)
        #expect(r.provisional == false)
        #expect(r.zone == "Asia/Shanghai")
        // 24:00 Shanghai (UTC+8, no DST) of the due day is 16:00 UTC that day.
        #expect(r.dueInstant.description == "\(expected)T16:00:00Z")
    }

    /// A year without an official file is filled by the estimator, so a month period ending there is
    /// provisional. Every year from 2008 ships its notice now (years before 2008 are outside the
    /// calendar), so the test removes the 2023 file: 2023-01-31 + 1mo -> clamp to Tue 2023-02-28; the
    /// estimated Spring Festival 2023 is 01-22..01-24 (2013 revision: day 1 to day 3), so 02-28 is a
    /// working day and does not roll. With the shipped 2023 notice the same day is final.
    @Test("2023-01-31 +1mo is 2023-02-28: provisional without the 2023 file, final with it")
    func estimated2023() throws {
        let estimated = try Fixtures.cn(withoutFilesOf: [2023])
        #expect(estimated.year(2023)?.source.isEstimated == true)
        let r = try estimated.deadline(from: d("2023-01-31"), Period(parsing: "+1mo"))
        #expect(r.due.description == "2023-02-28")
        #expect(r.provisional)
        let official = try cal.deadline(from: d("2023-01-31"), Period(parsing: "+1mo"))
        #expect(official.due.description == "2023-02-28")
        #expect(!official.provisional)
    }

    @Test("roll modes of a negative period")
    func rollModes() throws {
        let calc = DueCalculator(calendar: cal)
        let start = try Start(parsing: "2026-10-04"), p = try Period(parsing: "-6mo")
        #expect(try calc.due(from: start, p).due.description == "2026-04-03")
        #expect(try calc.due(from: start, p, roll: .backward).due.description == "2026-04-03")
        #expect(try calc.due(from: start, p, roll: .forward).due.description == "2026-04-07")
        #expect(try calc.due(from: start, p, roll: Roll.none).due.description == "2026-04-04")
    }

    @Test("instant periods run from the instant and do not roll")
    func instantPeriods() throws {
        let calc = DueCalculator(calendar: cal)
        let r = try calc.due(from: Start(parsing: "2025-03-03T14:05:00+08:00"), Period(parsing: "+10min"))
        #expect(r.dueInstant.description == "2025-03-03T06:15:00Z")
        #expect(r.due.description == "2025-03-03")
        #expect(r.deadline == nil)
        #expect(!r.provisional)
        // Ending on a holiday does not move an instant deadline.
        let h = try calc.due(from: Start(parsing: "2025-09-30T23:30:00+08:00"), Period(parsing: "+1h"))
        #expect(h.dueInstant.description == "2025-09-30T16:30:00Z")
        #expect(h.due.description == "2025-10-01")
        #expect(throws: InputError.self) { try calc.due(from: Start(parsing: "2025-03-03"), Period(parsing: "+10min")) }
    }

    /// An instant start counts from the day it falls on in the zone: 2025-01-26T20:00-08:00 is
    /// 2025-01-27 12:00 in Shanghai (+1wd: 1/28-2/4 off -> 2025-02-05) but still 2025-01-26 in
    /// Los Angeles (the make-up Sunday; +1wd -> Mon 2025-01-27, ending at 08:00Z on 01-28).
    @Test("instant start with a day period uses the day in the zone")
    func instantStartDayPeriod() throws {
        let calc = DueCalculator(calendar: cal)
        let start = try Start(parsing: "2025-01-26T20:00:00-08:00")
        let sh = try calc.due(from: start, Period(parsing: "+1wd"))
        #expect(sh.due.description == "2025-02-05")
        let la = try calc.due(from: start, Period(parsing: "+1wd"), zone: Zone("America/Los_Angeles"))
        #expect(la.due.description == "2025-01-27")
        #expect(la.dueInstant.description == "2025-01-28T08:00:00Z")
    }

    @Test("the whole 2000-2099 calendar agrees with a day-by-day walk (sampled)")
    func walkAgreement() throws {
        var g = SplitMix64(seed: 2099)
        var failures: [String] = []
        for _ in 0..<5_000 {
            let s = CivilDate(dayNumber: Int.random(in: cal.firstDay.dayNumber...cal.lastDay.dayNumber - 400, using: &g))
            let n = Int.random(in: 1...200, using: &g)
            var day = s, left = n
            while left > 0 {
                day = day.adding(days: 1)
                if try cal.isWorkingDay(day) { left -= 1 }
            }
            if try cal.addingWorkingDays(n, to: s) != day { failures.append("\(s) +\(n)wd") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }
}
