import DeadlineKit
import Testing

@Suite("WorkingCalendar")
struct WorkingCalendarTests {
    let cal = SpecCalendar.cn
    func d(_ s: String) -> CivilDate { SpecCalendar.d(s) }

    /// Working-day totals of the official years, counted by hand from the spec table: Mon-Fri days,
    /// minus the days off that fall on Mon-Fri, plus the make-up days.
    @Test(
        "yearly working-day totals match the spec table",
        arguments: [
            // 2024: 262 Mon-Fri days; weekday days off: 1/1, 2/12-16 (5), 4/4-5 (2), 5/1-3 (3), 6/10,
            // 9/16-17 (2), 10/1-4 (4), 10/7 -> 19; make-up days 8 -> 262 - 19 + 8 = 251.
            (2024, 251),
            // 2025: 261 Mon-Fri days; weekday days off 18 (see VectorTests); make-up days 5 -> 248.
            (2025, 248),
            // 2026: 261 Mon-Fri days; weekday days off: 1/1-2 (2), 2/16-20 (5), 2/23, 4/6, 5/1, 5/4-5 (2),
            // 6/19, 9/25, 10/1-2 (2), 10/5-7 (3) -> 19; make-up days 6 -> 261 - 19 + 6 = 248.
            (2026, 248)
        ])
    func yearTotals(year: Int, total: Int) throws {
        let count = try cal.workingDayCount(
            from: CivilDate(year: year, month: 1, day: 1)!,
            through: CivilDate(year: year, month: 12, day: 31)!)
        #expect(count == total)
    }

    @Test("make-up days are working, days off are not, per the spec table")
    func statuses() throws {
        let makeUps = [
            "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
            "2024-09-29", "2024-10-12", "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28",
            "2025-10-11", "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20",
            "2026-10-10"
        ]
        for m in makeUps {
            #expect(d(m).isWeekend, "\(m)")
            #expect(try cal.isWorkingDay(d(m)), "\(m)")
            #expect(cal.makeUpHoliday(on: d(m)) != nil, "\(m)")
        }
        for y in [SpecCalendar.official2024, SpecCalendar.official2025, SpecCalendar.official2026] {
            for run in y.holidays {
                for k in run.first.dayNumber...run.last.dayNumber {
                    #expect(try !cal.isWorkingDay(CivilDate(dayNumber: k)))
                    #expect(cal.holiday(on: CivilDate(dayNumber: k))?.name == run.name)
                }
            }
        }
        #expect(try cal.isWorkingDay(d("2025-01-27")))
        #expect(try !cal.isWorkingDay(d("2025-03-08")))  // an ordinary Saturday
    }

    @Test("rolled: working days stay, rest days move to the nearest working day in the roll direction")
    func rolled() throws {
        #expect(try cal.rolled(d("2025-05-03"), .forward) == d("2025-05-06"))
        #expect(try cal.rolled(d("2025-05-03"), .backward) == d("2025-04-30"))
        #expect(try cal.rolled(d("2025-05-03"), .none) == d("2025-05-03"))
        #expect(try cal.rolled(d("2025-05-06"), .backward) == d("2025-05-06"))
        #expect(try cal.rolled(d("2026-02-28"), .backward) == d("2026-02-28"))
    }

    @Test("years must be contiguous")
    func contiguous() {
        #expect(throws: WorkingCalendar.Error.self) {
            try WorkingCalendar(region: "cn", yearCalendars: [SpecCalendar.official2024, SpecCalendar.official2026])
        }
        #expect(throws: WorkingCalendar.Error.self) { try WorkingCalendar(region: "cn", yearCalendars: []) }
    }

    @Test("touchesEstimate is false outside the calendar's years and never traps")
    func touchesEstimateOutside() {
        // Entirely before or after the covered years: no year of the calendar is involved.
        #expect(cal.touchesEstimate(d("2020-01-01"), d("2021-06-01")) == false)
        #expect(cal.touchesEstimate(d("2030-01-01"), d("2031-06-01")) == false)
        #expect(cal.touchesEstimate(d("2025-01-01"), d("2025-12-31")) == false)
        #expect(cal.touchesEstimate(d("2026-12-31"), d("2027-01-01")))
        #expect(cal.touchesEstimate(d("2027-01-01"), d("2026-12-31")))  // order does not matter
    }

    /// The 2019 notice began its New Year run on Sun 2018-12-30 and made Sat 2018-12-29 a working day;
    /// Mon 2018-12-31 is therefore a day off that the 2018 calendar does not name. Built here from the
    /// notice (2018 with only its National Day run, to keep it short).
    @Test("a year's run reaching back into late December decides those days, and cites that year")
    func reachBack() throws {
        let y2018 = YearCalendar(
            year: 2018, holidays: [SpecCalendar.run("National Day", "2018-10-01", "2018-10-07", ["2018-09-29", "2018-09-30"])],
            source: .official(notice: "2018 notice", published: nil, file: "2018", version: 1))
        let y2019 = YearCalendar(
            year: 2019, holidays: [SpecCalendar.run("New Year's Day", "2018-12-30", "2019-01-01", ["2018-12-29"])],
            source: .official(notice: "2019 notice", published: nil, file: "2019", version: 1))
        let cal = try WorkingCalendar(region: "cn", yearCalendars: [y2018, y2019])
        #expect(try cal.isWorkingDay(d("2018-12-29")))
        #expect(try !cal.isWorkingDay(d("2018-12-31")))
        #expect(cal.holiday(on: d("2018-12-31"))?.name == "New Year's Day")
        #expect(cal.makeUpHoliday(on: d("2018-12-29"))?.name == "New Year's Day")
        #expect(try cal.addingWorkingDays(1, to: d("2018-12-28")) == d("2018-12-29"))
        #expect(try cal.addingWorkingDays(2, to: d("2018-12-28")) == d("2019-01-02"))
        // Days the 2019 notice names are decided by 2019 as well; days before them by 2018 alone.
        #expect(cal.yearsDeciding(d("2018-12-29"), d("2018-12-29")) == 2018...2019)
        #expect(cal.yearsDeciding(d("2018-12-31"), d("2018-12-20")) == 2018...2019)
        #expect(cal.yearsDeciding(d("2018-12-24"), d("2018-12-28")) == 2018...2018)
        #expect(cal.yearsDeciding(d("2017-01-01"), d("2017-12-31")) == nil)
        let e = cal.explain(try cal.deadline(from: d("2018-12-27"), Period(parsing: "+2wd")))
        #expect(e.calendars.map(\.year) == [2018, 2019])
        #expect(e.makeUpDaysCounted == [d("2018-12-29")])
        let skipped = cal.explain(try cal.deadline(from: d("2018-12-29"), Period(parsing: "+1wd")))
        #expect(skipped.skippedHolidays.map(\.run.name) == ["New Year's Day"])
        #expect(skipped.skippedHolidays.first?.first == d("2018-12-30"))
        // An estimated 2019 (as in a configuration without its file) makes those December days provisional.
        let estimated = YearCalendar(year: 2019, holidays: y2019.holidays, source: .estimated(method: "test"))
        let provisional = try WorkingCalendar(region: "cn", yearCalendars: [y2018, estimated])
        #expect(provisional.touchesEstimate(d("2018-12-31"), d("2018-12-31")))
        #expect(!provisional.touchesEstimate(d("2018-12-20"), d("2018-12-28")))
    }

    @Test("explanation names skipped runs, make-up days, calendars; ordinals read correctly")
    func explanation() throws {
        let dl = try cal.deadline(from: d("2025-01-27"), Period(parsing: "+5wd"))
        let e = cal.explain(dl)
        #expect(e.skippedHolidays.map(\.run.name) == ["Spring Festival"])
        #expect(e.skippedHolidays.first?.first == d("2025-01-28"))
        #expect(e.skippedHolidays.first?.last == d("2025-02-04"))
        #expect(e.makeUpDaysCounted == [d("2025-02-08")])
        #expect(e.weekendDaysSkipped == [d("2025-02-09")])
        #expect(e.calendars.map(\.year) == [2025])
        #expect(!e.provisional)
        #expect(e.lines.contains { $0.contains("the 5th working day strictly after") })
        let first = cal.explain(try cal.deadline(from: d("2025-01-27"), Period(parsing: "+1wd")))
        #expect(first.lines.contains { $0.contains("the 1st working day strictly after") }, "\(first.lines)")
        let second = cal.explain(try cal.deadline(from: d("2025-01-27"), Period(parsing: "-22wd")))
        #expect(second.lines.contains { $0.contains("the 22nd working day strictly before") }, "\(second.lines)")
        let eleventh = cal.explain(try cal.deadline(from: d("2025-01-27"), Period(parsing: "+11wd")))
        #expect(eleventh.lines.contains { $0.contains("the 11th working day") }, "\(eleventh.lines)")

        let makeUp = cal.explain(try cal.deadline(from: d("2026-08-31"), Period(parsing: "-6mo")))
        #expect(makeUp.rollNote?.contains("make-up working day") == true)
        let rolledNote = cal.explain(try cal.deadline(from: d("2025-03-03"), Period(parsing: "+2mo")))
        #expect(rolledNote.rollNote?.contains("rolls forward") == true)
        #expect(rolledNote.skippedHolidays.map(\.run.name) == ["Labour Day"])

        let prov = cal.explain(try cal.deadline(from: d("2026-12-31"), Period(parsing: "+1wd")))
        #expect(prov.provisional)
        #expect(prov.calendars.map(\.year) == [2027])
        #expect(prov.lines.contains { $0.hasPrefix("PROVISIONAL") })
    }
}
