import DeadlineKit
import Foundation
import Testing

@testable import Rules

/// A notice that does not add up is refused, never guessed: the error names the line (as an editor
/// numbers it), what is wrong and how to fix it.
@Suite("Holiday notices refused")
struct HolidayNoticeErrorTests {
    /// The 2025 notice with `old` replaced by `new`; the refusal, which must name the line holding `new`.
    func refusal(_ old: String, _ new: String, file: String = "notice-2025", line part: String? = nil) throws -> NoticeError {
        let text = try HolidayNoticeTests.fixture(file)
        #expect(text.contains(old), "the fixture has \(old)")
        let broken = text.replacingOccurrences(of: old, with: new)
        let error = try #require(throws: NoticeError.self) { try HolidayNotice.parse(broken) }
        let line = try HolidayNoticeTests.line(of: part ?? new, in: broken)
        #expect(error.line == line, "\(error)")
        #expect(error.description.hasPrefix("line \(line) 「"), "\(error)")
        return error
    }

    @Test("a weekday that is not the date's")
    func wrongWeekday() throws {
        let e = try refusal("1月28日（农历除夕、周二）", "1月28日（农历除夕、周三）")
        #expect(e.problem == "1月28日（农历除夕、周三） says 周三, but 2025-01-28 is a Tuesday (周二)", "\(e)")
        #expect(e.fix.contains("mistyped"))
        // On a make-up day, and on the end of a range, too.
        _ = try refusal("9月28日（周日）", "9月28日（周六）")
        _ = try refusal("至6日（周日）", "至6日（周一）")
        // A mistyped day is caught by the weekday written next to it.
        let day = try refusal("5月31日（周六）至6月2日", "5月30日（周六）至6月2日")
        #expect(day.problem.contains("2025-05-30 is a Friday"), "\(day)")
    }

    @Test("a count 共N天 that is not the run's")
    func wrongCount() throws {
        let e = try refusal("放假调休，共8天。1月26日", "放假调休，共9天。1月26日")
        #expect(e.problem == "共9天, but 2025-01-28..2025-02-04 is 8 day(s)", "\(e)")
        _ = try refusal("放假1天，不调休", "放假2天，不调休")
    }

    @Test("a line that cannot be read")
    func garbled() throws {
        let e = try refusal("5月31日（周六）至6月2日", "5月31日（周六）到6月2日")
        #expect(e.problem.hasPrefix("expected 放假 after the days"), "\(e)")
        _ = try refusal("4月27日（周日）上班", "4月27日（周日）上課")
        _ = try refusal("共5天。", "共5天，另行通知。")
        _ = try refusal("（农历正月初七、周二）", "（农历正月初七、周二")
        _ = try refusal("二、春节：", "二、春节 ")
    }

    @Test("a lunar date that is not the day's")
    func wrongLunarDate() throws {
        let e = try refusal("农历正月初七", "农历正月初八")
        #expect(e.problem.contains("2025-02-04 is 农历正月初七"), "\(e)")
        _ = try refusal("农历除夕、周二）至", "农历初一、周二）至")
    }

    @Test("make-up days on a weekday, with 不调休, or before the days off")
    func makeUpDays() throws {
        let e = try refusal("2月8日（周六）上班", "2月7日（周五）上班")
        #expect(e.problem.contains("2025-02-07 is a Friday"), "\(e)")
        _ = try refusal("放假1天，不调休。", "放假1天，不调休。1月4日（周六）上班。")
        _ = try refusal("三、清明节：4月4日（周五）至6日（周日）放假，共3天。", "三、清明节：3月30日（周日）上班。4月4日（周五）至6日（周日）放假，共3天。")
    }

    @Test("a missing, repeated or unknown holiday line")
    func items() throws {
        let missing = try refusal("三、清明节：4月4日（周五）至6日（周日）放假，共3天。\n", "", line: "四、劳动节")
        #expect(missing.problem.contains("item 四 comes where item 三 belongs"), "\(missing)")
        _ = try refusal("五、端午节：", "四、端午节：")
        let unknown = try refusal("六、国庆节、中秋节：", "六、国庆节、植树节：")
        #expect(unknown.problem.contains("'国庆节、植树节' is not a holiday"), "\(unknown)")
        let overlap = try refusal("五、端午节：5月31日（周六）至6月2日（周一）", "五、端午节：5月1日（周四）至3日（周六）")
        #expect(overlap.problem.contains("overlaps 劳动节 on line"), "\(overlap)")
    }

    @Test("a holiday line broken in two when copied")
    func brokenLine() throws {
        let e = try refusal("共8天。1月26日（周日）", "共8天。\n1月26日（周日）", line: "1月26日（周日）、2月8日")
        #expect(e.fix.contains("join it to the line before"), "\(e)")
    }

    @Test("no title, no date line, a date line of another year")
    func frame() throws {
        let text = try HolidayNoticeTests.fixture("notice-2025")
        let noTitle = text.replacingOccurrences(of: "国务院办公厅关于2025年\n部分节假日安排的通知", with: "")
        #expect(throws: NoticeError.self) { try HolidayNotice.parse(noTitle) }
        let noDate = text.replacingOccurrences(of: "2024年11月12日", with: "")
        let e = try #require(throws: NoticeError.self) { try HolidayNotice.parse(noDate) }
        #expect(e.problem.contains("no date line"), "\(e)")
        _ = try refusal("2024年11月12日", "2026年11月12日")
        #expect(throws: NoticeError.self) { try HolidayNotice.parse("") }
    }
}
