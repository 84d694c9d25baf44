import DeadlineKit
import Foundation
import Rules
import TestSupport
import Testing

/// Section 2 of the spec: a deadline that depends on a year without an official notice is provisional,
/// and adding the year's calendar file removes the flag (and may move the date).
@Suite("Provisional deadlines")
struct ProvisionalTests {
    func d(_ s: String) -> CivilDate { Fixtures.d(s) }

    @Test("+Nwd inside 2026 is final")
    func inside2026() throws {
        let cal = Fixtures.cn
        // Tue 2026-12-01 + 5wd: 12/2, 12/3, 12/4, 12/7, 12/8 (no holidays in December).
        let r = try cal.deadline(from: d("2026-12-01"), Period(parsing: "+5wd"))
        #expect(r.due.description == "2026-12-08")
        #expect(!r.provisional)
        let e = cal.explain(r)
        #expect(e.calendars.map(\.year) == [2026])
        #expect(!e.lines.contains { $0.contains("PROVISIONAL") })
    }

    /// Fri 2026-12-25 + 10wd: 12/28-12/31 (4); estimated 2027: Fri 1/1 New Year's Day off, weekend,
    /// 1/4-1/8 (9), Mon 1/11 (10).
    @Test("+Nwd reaching 2027 is provisional and the explanation names 2027 as estimated")
    func reaching2027() throws {
        let cal = Fixtures.cn
        let r = try cal.deadline(from: d("2026-12-25"), Period(parsing: "+10wd"))
        #expect(r.due.description == "2027-01-11")
        #expect(r.provisional)
        let e = cal.explain(r)
        #expect(e.provisional)
        #expect(e.calendars.map(\.year) == [2026, 2027])
        #expect(e.calendars.last?.source.isEstimated == true)
        #expect(e.lines.contains { $0.hasPrefix("Calendar 2027: PROVISIONAL estimate") }, "\(e.lines)")
        #expect(e.lines.contains { $0.hasPrefix("PROVISIONAL:") })
        // Through DueCalculator too (what obligctl and the daemon use).
        let due = try DueCalculator(calendar: cal).due(from: .day(d("2026-12-25")), Period(parsing: "+10wd"))
        #expect(due.provisional)
    }

    @Test("adding an official 2027 file removes the flag and moves a date that depended on the estimate")
    func official2027() throws {
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["calendars/cn/2027.json": Fixtures.calendar2027])
        let cal = try Configuration.load(directory: dir.path).calendar("cn")
        let r = try cal.deadline(from: d("2026-12-25"), Period(parsing: "+10wd"))
        #expect(r.due.description == "2027-01-11")
        #expect(!r.provisional)
        let e = cal.explain(r)
        #expect(!e.lines.contains { $0.contains("PROVISIONAL") }, "\(e.lines)")
        #expect(e.lines.contains { $0.contains("TEST FIXTURE") })

        // Fri 2027-02-05 + 1wd. Estimate: Spring Festival eve..day 3 = 2/5-2/8, so Tue 2/9 (provisional).
        // Fixture: 2/6-2/13 off, Sun 2/14 a make-up day, so 2/14 (final).
        let estimated = try Fixtures.cn.deadline(from: d("2027-02-05"), Period(parsing: "+1wd"))
        #expect(estimated.due.description == "2027-02-09")
        #expect(estimated.provisional)
        let official = try cal.deadline(from: d("2027-02-05"), Period(parsing: "+1wd"))
        #expect(official.due.description == "2027-02-14")
        #expect(!official.provisional)
        // 2028 is still estimated.
        #expect(try cal.deadline(from: d("2027-12-30"), Period(parsing: "+2wd")).provisional)
    }

    @Test("a month period is provisional only when its landing or roll touches an estimated year")
    func months() throws {
        let cal = Fixtures.cn
        #expect(try cal.deadline(from: d("2026-08-31"), Period(parsing: "+6mo")).provisional)  // 2027-02-28
        #expect(try !cal.deadline(from: d("2026-06-30"), Period(parsing: "+5mo")).provisional)  // 2026-11-30
        #expect(try cal.deadline(from: d("2027-08-31"), Period(parsing: "-6mo")).provisional)  // lands 2027-02-28
        // Starting in an estimated year does not matter: only the landing day (Wed 2026-09-30) decides.
        let back = try cal.deadline(from: d("2027-03-31"), Period(parsing: "-6mo"))
        #expect(back.due.description == "2026-09-30")
        #expect(!back.provisional)
    }
}
