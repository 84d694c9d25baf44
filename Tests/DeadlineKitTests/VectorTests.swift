import DeadlineKit
import Testing

/// Hand-checked deadlines. Every expected value was worked out by hand from the calendar table in
/// shared/legal/periods-and-calendars.md (section 2), counting on a paper calendar; the reasoning is
/// in the comment beside each case. `SpecCalendar.cn` transcribes that table (see Support.swift).
@Suite("Hand-checked vectors (spec calendar)")
struct VectorTests {
    let cal = SpecCalendar.cn
    func d(_ s: String) -> CivilDate { SpecCalendar.d(s) }

    func due(_ start: String, _ period: String, roll: Roll? = nil) throws -> Deadline {
        try cal.deadline(from: d(start), try Period(parsing: period), roll: roll)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var start: String, period: String, roll: Roll?, expected: String, why: String
        init(_ start: String, _ period: String, roll: Roll? = nil, _ expected: String, _ why: String) {
            (self.start, self.period, self.roll, self.expected, self.why) = (start, period, roll, expected, why)
        }
        var testDescription: String { "\(start) \(period)\(roll.map { " --roll \($0)" } ?? "") -> \(expected)" }
    }

    static let cases: [Case] = [
        // --- the examples of the spec ---
        Case(
            "2025-01-27", "+5wd", "2025-02-10",
            "Mon 1/27; 1/28-2/4 Spring Festival off; 2/5 W(1) 2/6 T(2) 2/7 F(3) Sat 2/8 make-up(4); Sun 2/9 off; Mon 2/10(5)"),
        Case(
            "2024-08-31", "+6mo", "2025-02-28",
            "2025-02-31 does not exist -> last day 2025-02-28, a Friday outside every 2025 run: no roll"),
        Case(
            "2026-08-31", "-6mo", "2026-02-28",
            "2026-02-31 -> 2026-02-28, a Saturday but a 2026 make-up working day: no (backward) roll"),
        Case(
            "2025-06-01", "+30wd", "2025-07-14",
            "Sun 6/1, Mon 6/2 in Dragon Boat 5/31-6/2; June: 6/3-6/6 (4), 9-13 (9), 16-20 (14), 23-27 (19), Mon 30 (20); July: 1-4 (24), 7-11 (29), Mon 14 (30)"
        ),
        Case(
            "2025-07-18", "+30wd", "2025-08-29",
            "Fri 7/18; six plain Mon-Fri weeks 7/21-7/25 ... 8/25-8/29, no holidays or make-up days in between"),
        Case(
            "2025-03-03", "+2mo", "2025-05-06",
            "corresponding day Sat 5/3 lies in Labour Day 5/1-5/5 -> forward to Tue 5/6"),
        // --- month ends and leap years ---
        Case("2024-01-31", "+1mo", "2024-02-29", "2024 is a leap year; Thu 2/29 is after the 2/10-2/17 run: working"),
        Case("2023-01-31", "+1mo", "2023-02-28", "2023 is not leap: clamp to Tue 2/28, a working day (estimated year)"),
        Case("2024-02-29", "+1y", "2025-02-28", "2025-02-29 does not exist -> Fri 2/28, working"),
        Case("2024-02-29", "-1y", "2023-02-28", "2023-02-29 does not exist -> Tue 2/28, working"),
        Case("2026-01-31", "+1mo", "2026-02-28", "clamp to Sat 2/28, which is a make-up working day: no roll"),
        Case("2024-03-31", "-1mo", "2024-02-29", "clamp to Thu 2024-02-29, working"),
        Case("2025-03-31", "-1mo", "2025-02-28", "clamp to Fri 2025-02-28, working"),
        Case("2025-10-31", "+1mo", "2025-12-01", "clamp to Sun 11/30 (plain weekend) -> forward to Mon 12/1"),
        // --- negative periods: backward by default, forward and none on request ---
        Case(
            "2026-10-04", "-6mo", "2026-04-03",
            "Sat 2026-04-04 is in Qingming 4/4-4/6 -> backward to the last working day on or before: Fri 4/3"),
        Case("2026-10-04", "-6mo", roll: .forward, "2026-04-07", "forward out of 4/4-4/6 to Tue 4/7"),
        Case("2026-10-04", "-6mo", roll: Roll.none, "2026-04-04", "no roll: the rest day itself"),
        Case(
            "2025-11-05", "-1mo", "2025-09-30",
            "Sun 2025-10-05 in National Day 10/1-10/8 -> backward: Tue 9/30 (9/29 Mon, 9/28 Sun make-up are earlier)"),
        Case("2025-11-05", "-1mo", roll: .forward, "2025-10-09", "forward: Thu 10/9, first day after 10/1-10/8"),
        Case("2025-11-05", "-1mo", roll: Roll.none, "2025-10-05", "no roll"),
        Case("2025-03-03", "+2mo", roll: .backward, "2025-04-30", "backward out of 5/1-5/5: Wed 4/30"),
        Case("2025-03-03", "+2mo", roll: Roll.none, "2025-05-03", "no roll: Sat 5/3"),
        // --- calendar days ---
        Case("2025-01-20", "+6d", "2025-01-26", "lands on Sun 1/26, a make-up working day: no roll"),
        Case("2026-02-21", "+7d", "2026-02-28", "lands on Sat 2/28, a make-up working day: no roll"),
        Case("2026-02-13", "+1d", "2026-02-14", "lands on Sat 2/14, a make-up working day: no roll"),
        Case("2025-09-30", "+1d", "2025-10-09", "lands on 10/1 in National Day 10/1-10/8 -> Thu 10/9"),
        Case("2025-01-27", "+7d", "2025-02-05", "lands on Mon 2/3 inside 1/28-2/4 -> Wed 2/5"),
        Case("2025-03-01", "+7d", "2025-03-10", "lands on Sat 3/8, an ordinary weekend -> Mon 3/10"),
        Case("2025-10-12", "-7d", "2025-09-30", "lands on Sun 10/5 inside 10/1-10/8 -> backward to Tue 9/30"),
        Case("2025-10-18", "-7d", "2025-10-11", "lands on Sat 10/11, a make-up working day: no roll"),
        // --- working days ---
        Case(
            "2025-02-10", "-5wd", "2025-01-27",
            "before Mon 2/10: Sat 2/8 make-up(1), 2/7(2), 2/6(3), 2/5(4), 2/4-1/28 off, Mon 1/27(5)"),
        Case("2025-10-09", "-1wd", "2025-09-30", "10/8-10/1 off, Tue 9/30"),
        Case("2025-09-29", "-1wd", "2025-09-28", "Sun 9/28 is a make-up working day"),
        Case("2025-01-02", "-1wd", "2024-12-31", "1/1 off; Tue 2024-12-31 across the year boundary"),
        Case("2025-02-01", "+1wd", "2025-02-05", "trigger on a rest day: counting starts after it; 2/2-2/4 off, Wed 2/5"),
        Case("2025-02-08", "+1wd", "2025-02-10", "trigger on the make-up Sat 2/8; Sun 2/9 off; Mon 2/10"),
        Case("2026-09-19", "+1wd", "2026-09-20", "Sun 9/20 is a make-up working day"),
        Case("2025-12-31", "+1wd", "2026-01-04", "1/1-1/3 off, Sun 2026-01-04 is a make-up working day"),
        Case("2024-02-09", "+1wd", "2024-02-18", "2/10-2/17 off; Sun 2/18 make-up"),
        Case(
            "2024-12-31", "+248wd", "2025-12-31",
            "2025: 261 Mon-Fri days - 18 weekday days off (1/1; 1/28-31, 2/3-4; 4/4; 5/1-2, 5/5; 6/2; 10/1-3, 10/6-8) + 5 make-up days = 248; the 248th is the last, Wed 12/31"
        ),
        Case("2024-12-31", "+249wd", "2026-01-04", "the 249th: 2026-01-01..03 off, Sun 1/4 make-up")
    ]

    @Test("hand-checked", arguments: cases)
    func vector(_ c: Case) throws {
        let result = try due(c.start, c.period, roll: c.roll)
        #expect(result.due.description == c.expected, "\(c.why)")
        // The walking reference agrees for the working-day cases.
        if result.period.unit == .workingDays {
            #expect(try cal.referenceAddingWorkingDays(result.period.amount, to: result.start) == result.due)
        }
    }

    @Test("working-day results carry no landing/roll distinction")
    func workingDayLanding() throws {
        let r = try due("2025-01-27", "+5wd")
        #expect(r.landing == r.due)
        #expect(r.provisional == false)
    }

    @Test("month period records the landing day before the roll")
    func landing() throws {
        let r = try due("2025-03-03", "+2mo")
        #expect(r.landing.description == "2025-05-03")
        #expect(r.due.description == "2025-05-06")
        #expect(r.roll == .forward)
        let b = try due("2026-10-04", "-6mo")
        #expect(b.roll == .backward)
        #expect(b.landing.description == "2026-04-04")
    }

    @Test("instant periods are refused for a day start")
    func instantPeriodOnDay() throws {
        #expect(throws: WorkingCalendar.Error.self) { try due("2025-03-03", "+10min") }
    }

    @Test("month arithmetic into an estimated year is provisional, inside official years it is not")
    func provisionalMonths() throws {
        #expect(try due("2023-01-31", "+1mo").provisional)
        #expect(try due("2024-01-31", "+1mo").provisional == false)
        #expect(try due("2026-08-31", "+6mo").provisional)  // lands 2027-02-28
        #expect(try due("2026-12-30", "+1wd").provisional == false)  // Thu 12/31
        #expect(try due("2026-12-31", "+1wd").provisional)  // 2027-01-01 decides
        // Mon 2024-01-01 is a holiday, so -1wd from Tue 1/2 reaches Fri 2023-12-29 in the estimated year.
        let back = try due("2024-01-02", "-1wd")
        #expect(back.due.description == "2023-12-29")
        #expect(back.provisional)
        #expect(try due("2024-01-03", "-1wd").provisional == false)  // Tue 1/2
    }

    @Test("results outside the calendar are errors, not guesses")
    func outsideCalendar() throws {
        #expect(throws: WorkingCalendar.Error.self) { try due("2027-12-31", "+1wd") }
        #expect(throws: WorkingCalendar.Error.self) { try due("2023-01-02", "-2wd") }
        #expect(throws: WorkingCalendar.Error.self) { try due("2022-12-31", "+1wd") }
        #expect(throws: WorkingCalendar.Error.self) { try due("2027-12-15", "+1mo") }
        #expect(throws: WorkingCalendar.Error.self) { try cal.isWorkingDay(d("2028-01-01")) }
    }
}
