import DeadlineKit
import Foundation
import Rules
import Testing

@Suite("Holiday estimator")
struct HolidayEstimatorTests {
    let estimator = HolidayEstimator()
    func d(_ s: String) -> CivilDate { Fixtures.d(s) }

    /// Ties the estimator to the notices: every day the estimator calls a statutory holiday must be a
    /// day off in the official calendar of the same year (the notices add bridge days and move weekends,
    /// they never make a statutory holiday a working day).
    ///
    /// Holds for 2025 and 2026, the years governed by the 2024 revision of the National Holidays
    /// Measures that the estimator implements (in force from 2025-01-01).
    @Test("estimated statutory holidays are days off in the official calendar", arguments: [2025, 2026])
    func estimatesAreDaysOff(year: Int) throws {
        let official = Fixtures.cn
        let estimate = estimator.estimate(year: year)
        #expect(estimate.source.isEstimated)
        var notOff: [String] = []
        for run in estimate.holidays {
            for n in run.first.dayNumber...run.last.dayNumber {
                let day = CivilDate(dayNumber: n)
                if try official.isWorkingDay(day) { notOff.append("\(day) (\(run.name))") }
            }
        }
        #expect(notOff.isEmpty, "\(notOff)")
    }

    /// 2024 was still governed by the 2013 revision: Spring Festival was day 1 to day 3 (初一-初三)
    /// and Labour Day one day; New Year's Eve (除夕) became a statutory holiday only with the 2024
    /// revision, in force from 2025-01-01. The estimator applies the revision in force in each year, so
    /// its 2024 estimate, like 2025 and 2026, has no statutory day that the official notice works.
    @Test("2024 is estimated under the 2013 revision: every estimated holiday is a day off in the notice")
    func year2024() throws {
        let official = Fixtures.cn
        var notOff: [String] = []
        let y = estimator.estimate(year: 2024)
        for run in y.holidays {
            for n in run.first.dayNumber...run.last.dayNumber where try official.isWorkingDay(CivilDate(dayNumber: n)) {
                notOff.append("\(CivilDate(dayNumber: n))")
            }
        }
        #expect(notOff == [])
        let sf = try #require(y.holidays.first { $0.name.contains("Spring Festival") })
        #expect(sf.first.description == "2024-02-10" && sf.dayCount == 3)
        let labour = try #require(y.holidays.first { $0.name.contains("Labour") })
        #expect(labour.dayCount == 1)
    }

    @Test(
        "lunar and solar-term dates",
        arguments: [
            // (year, Spring Festival = lunar 1/1, Qingming, Dragon Boat = lunar 5/5, Mid-Autumn = lunar 8/15)
            (2024, "2024-02-10", "2024-04-04", "2024-06-10", "2024-09-17"),
            (2025, "2025-01-29", "2025-04-04", "2025-05-31", "2025-10-06"),
            (2026, "2026-02-17", "2026-04-05", "2026-06-19", "2026-09-25"),
            (2027, "2027-02-06", "2027-04-05", "2027-06-09", "2027-09-15")
        ])
    func lunarDates(year: Int, spring: String, qingming: String, dragonBoat: String, midAutumn: String) throws {
        let runs = estimator.estimate(year: year).holidays
        let sf = try #require(runs.first { $0.name.contains("Spring Festival") })
        if year >= 2025 {
            // Four days: New Year's Eve to day 3, so the lunar new year is the second day.
            #expect(sf.first.adding(days: 1).description == spring)
            #expect(sf.dayCount == 4)
        } else {
            // 2013 revision: day 1 to day 3.
            #expect(sf.first.description == spring)
            #expect(sf.dayCount == 3)
        }
        let q = try #require(runs.first { $0.name.contains("Qingming") })
        #expect(q.first.description == qingming && q.dayCount == 1)
        let db = try #require(runs.first { $0.name.contains("Dragon Boat") })
        #expect(db.first.description == dragonBoat && db.dayCount == 1)
        // Mid-Autumn may merge with National Day (2025: Oct 6 is not adjacent to Oct 1-3, so separate).
        let ma = try #require(runs.first { $0.name.contains("Mid-Autumn") })
        #expect(ma.contains(d(midAutumn)))
    }

    @Test("Spring Festival 2027 is estimated as 2027-02-05..2027-02-08 (lunar new year 2027-02-06)")
    func spring2027() throws {
        let sf = try #require(estimator.estimate(year: 2027).holidays.first { $0.name == "Spring Festival" })
        #expect(sf.first == d("2027-02-05"))
        #expect(sf.last == d("2027-02-08"))
        #expect(d("2027-02-06").isoWeekday == 6)
        // The shipped configuration uses the estimate for 2027.
        #expect(Fixtures.cn.year(2027)?.source.isEstimated == true)
        #expect(try !Fixtures.cn.isWorkingDay(d("2027-02-08")))  // Monday, estimated holiday
    }

    /// 13 statutory days, except when Mid-Autumn falls on October 1-3 (2001, 2020, ...): then the two
    /// holidays share a day and the union has 12.
    @Test("every estimated year 2008-2099 is well formed: 13 statutory days (11 before 2025), disjoint runs in the year")
    func wellFormed() throws {
        var coinciding: [Int] = []
        for year in 2008...2099 {
            let y = estimator.estimate(year: year)
            let runs = y.holidays
            let ma = try #require(runs.first { $0.name.contains("Mid-Autumn") })
            let shared = ma.name.contains("National Day") && ma.dayCount == 3
            if shared { coinciding.append(year) }
            let statutory = year >= 2025 ? 13 : 11
            #expect(runs.reduce(0) { $0 + $1.dayCount } == (shared ? statutory - 1 : statutory), "\(year)")
            for (a, b) in zip(runs, runs.dropFirst()) { #expect(a.last < b.first, "\(year)") }
            #expect(runs.allSatisfy { $0.first.year == year && $0.last.year == year && $0.makeUpDays.isEmpty })
            let sf = try #require(runs.first { $0.name.contains("Spring Festival") })
            // Lunar new year falls between Jan 21 and Feb 20; the run starts on its eve except 2014-2024.
            let newYear = (2014...2024).contains(year) ? sf.first : sf.first.adding(days: 1)
            #expect(newYear >= d("\(year)-01-21") && newYear <= d("\(year)-02-20"), "\(year)")
        }
        // Mid-Autumn was on October 1 in 2020 (the 2020 notice merged them into 10/1-10/8) and will be in 2031.
        #expect(coinciding.contains(2020) && coinciding.contains(2031))
    }
}
