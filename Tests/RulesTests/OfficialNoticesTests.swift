import DeadlineKit
import Foundation
import Rules
import TestSupport
import Testing

/// The shipped calendar files of 2008-2026 against facts read from the State Council notices (and
/// the notices that amended them), through the embedded configuration obligd and obligctl run on.
@Suite("Official notices 2008-2026")
struct OfficialNoticesTests {
    let cal = Fixtures.cn
    func d(_ s: String) -> CivilDate { Fixtures.d(s) }

    @Test("every year 2008-2026 has its own calendar file, citing the notice for that year")
    func everyYearHasItsNotice() throws {
        let config = Embedded.configuration
        for y in 2008...2026 {
            #expect(config.sources["calendars/cn/\(y).json"] == "embedded", "\(y)")
            let yc = try #require(cal.year(y))
            guard case let .official(notice, _, file, _) = yc.source else {
                Issue.record("\(y) is \(yc.source)")
                continue
            }
            #expect(notice.hasPrefix("国务院办公厅关于\(y)年部分节假日安排的通知"), "\(y): \(notice)")
            #expect(file == "calendars/cn/\(y).json (embedded)")
        }
        #expect(cal.years.lowerBound == 2008)
        #expect(cal.year(2027)?.source.isEstimated == true)
    }

    /// (day, working?, why) from the notices.
    @Test(
        "days as the notices give them",
        arguments: [
            // 2008 (the first notice under the 2007 measures): Labour Day 5/1-5/3, Fri 5/2 off, Sun 5/4 worked.
            ("2008-01-01", false, "New Year's Day"), ("2008-05-02", false, "Labour Day, Friday"),
            ("2008-05-04", true, "make-up Sunday for Labour Day"), ("2008-09-29", false, "National Day 9/29-10/5, Monday"),
            ("2008-09-28", true, "make-up Sunday for National Day"),
            // 2012: New Year 1/1-1/3, with Sat 2011-12-31 worked (named by the 2012 notice).
            ("2011-12-31", true, "make-up Saturday in the 2012 notice"), ("2012-01-03", false, "New Year's Day, Tuesday"),
            // 2014: New Year's Eve was not a holiday under the 2013 measures; Spring Festival 1/31-2/6.
            ("2014-01-30", true, "New Year's Eve 2014, a Thursday, worked"), ("2014-01-26", true, "make-up Sunday"),
            // 2015: Victory Day 9/3-9/5 with Sun 9/6 worked (国发明电〔2015〕1号); National Day 10/1-10/7, Sat 10/10 worked.
            ("2015-09-03", false, "Victory Day"), ("2015-09-04", false, "Victory Day, Friday"),
            ("2015-09-06", true, "make-up Sunday for Victory Day"), ("2015-10-07", false, "National Day, Wednesday"),
            ("2015-10-10", true, "make-up Saturday for National Day"),
            // 2019: New Year 2018-12-30..2019-01-01 with Sat 2018-12-29 worked; Labour Day as amended, 5/1-5/4.
            ("2018-12-29", true, "make-up Saturday in the 2019 notice"), ("2018-12-31", false, "New Year's Day, Monday"),
            ("2019-05-02", false, "Labour Day as amended"), ("2019-05-05", true, "make-up Sunday of the amendment"),
            ("2019-04-28", true, "make-up Sunday of the amendment"),
            // 2020: Spring Festival 1/24-1/30, extended to 2/2 (国办发明电〔2020〕1号); Sat 2/1 no longer worked.
            ("2020-01-19", true, "make-up Sunday for Spring Festival"), ("2020-01-31", false, "extended Spring Festival, Friday"),
            ("2020-02-01", false, "extended Spring Festival, the cancelled make-up Saturday"),
            ("2020-02-02", false, "extended Spring Festival, Sunday"), ("2020-02-03", true, "back to work, Monday"),
            // 2023: New Year 2022-12-31..2023-01-02.
            ("2023-01-02", false, "New Year's Day, Monday"), ("2023-10-07", true, "make-up Saturday")
        ])
    func dayStatus(_ day: String, _ working: Bool, _ why: String) throws {
        #expect(try cal.isWorkingDay(d(day)) == working, "\(day): \(why)")
    }

    @Test("holiday names, amendments and the days a notice names in the December before")
    func namesAndAmendments() throws {
        #expect(cal.holiday(on: d("2018-12-31"))?.name == "New Year's Day")
        #expect(cal.makeUpHoliday(on: d("2011-12-31"))?.name == "New Year's Day")
        #expect(cal.holiday(on: d("2015-09-04"))?.localName == "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日")
        let spring2020 = try #require(cal.holiday(on: d("2020-02-02")))
        #expect(spring2020.name == "Spring Festival" && spring2020.first == d("2020-01-24"))
        #expect(spring2020.makeUpDays == [d("2020-01-19")])
        #expect(cal.holiday(on: d("2012-10-01"))?.localName == "中秋节、国庆节")
        for (y, amendment) in [(2015, "国发明电〔2015〕1号"), (2019, "国办发明电〔2019〕3号"), (2020, "国办发明电〔2020〕1号")] {
            guard case let .official(notice, _, _, _) = try #require(cal.year(y)).source else {
                Issue.record("\(y) not official")
                continue
            }
            #expect(notice.contains("[amended by ") && notice.contains(amendment), "\(notice)")
        }
        // Years before 2008 are outside the calendar, neither estimated nor official.
        #expect(throws: WorkingCalendar.Error.self) { try cal.isWorkingDay(d("2007-12-31")) }
    }

    /// `obligctl calc 2015-09-30 +1wd`: the National Day run 10/1-10/7 is skipped, and 2015 is official.
    @Test("2015-09-30 +1wd is 2015-10-08, final")
    func nationalDay2015() throws {
        let r = try DueCalculator(calendar: cal).due(from: Start(parsing: "2015-09-30"), Period(parsing: "+1wd"))
        #expect(r.due == d("2015-10-08"))
        #expect(!r.provisional)
        let e = cal.explain(try #require(r.deadline))
        #expect(e.skippedHolidays.map(\.run.name) == ["National Day"])
        #expect(e.calendars.map(\.year) == [2015])
    }

    /// Fri 2018-12-28 +1wd lands on the make-up Saturday the 2019 notice named, so 2019 decided it too.
    @Test("a deadline in the last days of 2018 cites the 2019 notice")
    func reachBack2019() throws {
        let r = try cal.deadline(from: d("2018-12-28"), Period(parsing: "+1wd"))
        #expect(r.due == d("2018-12-29"))
        #expect(!r.provisional)
        #expect(cal.explain(r).calendars.map(\.year) == [2018, 2019])
        #expect(try cal.deadline(from: d("2018-12-29"), Period(parsing: "+1wd")).due == d("2019-01-02"))
    }
}
