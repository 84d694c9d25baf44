import DeadlineKit
import Foundation
import TestSupport
import Testing

@testable import Rules

/// What a calendar file changes against the calendar in force (the estimate, or the file it
/// replaces), and a configuration with one file replaced, checked as a load checks it.
@Suite("Calendar changes")
struct CalendarChangesTests {
    func days(_ list: [CalendarChanges.Day]) -> [String] { list.map(\.day.description) }

    @Test("the 2026 notice against the estimate obligd used before it")
    func notice2026AgainstEstimate() throws {
        let estimate = try Fixtures.cn(withoutFilesOf: [2026])
        let c = CalendarChanges(year: 2026, from: estimate, to: Fixtures.cn)
        #expect(
            days(c.newDaysOff) == [
                "2026-01-02", "2026-02-20", "2026-02-23", "2026-04-06", "2026-05-04", "2026-05-05", "2026-10-05", "2026-10-06",
                "2026-10-07"
            ])
        #expect(c.newDaysOff.first?.why == "New Year's Day (元旦)")
        #expect(c.newWorkingDays.isEmpty)
        #expect(days(c.makeUpDays) == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"])
        #expect(c.makeUpDays.first?.why == "for New Year's Day (元旦)")
        #expect(CalendarChanges(year: 2026, from: Fixtures.cn, to: Fixtures.cn).isEmpty)
    }

    @Test("days a notice names in the December before its year count, in both directions")
    func reachBack() throws {
        let estimate = try Fixtures.cn(withoutFilesOf: [2019])
        let c = CalendarChanges(year: 2019, from: estimate, to: Fixtures.cn)
        #expect(days(c.newDaysOff).prefix(1) == ["2018-12-31"])
        #expect(days(c.makeUpDays).prefix(1) == ["2018-12-29"])
        let back = CalendarChanges(year: 2019, from: Fixtures.cn, to: estimate)
        #expect(days(back.newWorkingDays).prefix(1) == ["2018-12-31"])
        #expect(back.newWorkingDays.first?.why == "was New Year's Day (元旦)")
        #expect(back.newDaysOff.first.map { "\($0.day) \($0.why)" } == "2018-12-29 weekend, no longer a make-up working day")
    }

    @Test("a configuration with one calendar file replaced is checked with the other years")
    func replacing() throws {
        let config = Embedded.configuration
        let with2027 = try config.replacing("calendars/cn/2027.json", with: Data(Fixtures.calendar2027.utf8), origin: "/tmp/2027.json")
        #expect(try with2027.calendar("cn").year(2027)?.source.isEstimated == false)
        #expect(try config.calendar("cn").year(2027)?.source.isEstimated == true, "the original is untouched")
        #expect(with2027.rules.count == config.rules.count)
        // A make-up day on a Monday is refused as a load refuses it, naming the file by its origin.
        let clash = Fixtures.calendar2027.replacingOccurrences(of: "\"2027-02-14\"", with: "\"2027-02-15\"")
        let e = try #require(throws: ConfigError.self) {
            try config.replacing("calendars/cn/2027.json", with: Data(clash.utf8), origin: "/tmp/2027.json")
        }
        #expect(e.file == "/tmp/2027.json" && e.problem.contains("Monday"), "\(e)")
    }
}
