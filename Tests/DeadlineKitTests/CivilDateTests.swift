import DeadlineKit
import Testing

@Suite("CivilDate")
struct CivilDateTests {
    @Test(
        "parses exactly YYYY-MM-DD",
        arguments: [
            ("2025-01-27", 2025, 1, 27), ("2024-02-29", 2024, 2, 29), ("2000-02-29", 2000, 2, 29),
            ("0001-01-01", 1, 1, 1), ("9999-12-31", 9999, 12, 31), ("1969-12-31", 1969, 12, 31)
        ])
    func parsesValid(text: String, y: Int, m: Int, d: Int) throws {
        let date = try CivilDate(parsing: text)
        #expect(date.year == y && date.month == m && date.day == d)
        #expect(date.description == text)
    }

    @Test(
        "rejects malformed and impossible dates, naming the token",
        arguments: [
            "2025-02-30",  // February has no 30th
            "2025-2-3",  // missing zero padding
            "0000-01-01",  // year 0 does not exist in the proleptic Gregorian calendar used here
            "2023-02-29",  // 2023 is not a leap year
            "1900-02-29",  // century, not divisible by 400
            "2100-02-29",
            "2025-13-01", "2025-00-10", "2025-01-00", "2025-04-31",
            "2025/01/27", "2025-01-27 ", " 2025-01-27", "2025-01-2", "20250127", "+025-01-27",
            "2025-01-27T00:00", "", "2025-1-027"
        ])
    func rejectsInvalid(text: String) {
        let error = #expect(throws: InputError.self) { try CivilDate(parsing: text) }
        #expect(error?.token == text)
        #expect(error?.description.contains("'\(text)'") == true)
    }

    @Test("memberwise init refuses impossible days")
    func memberwiseInit() {
        #expect(CivilDate(year: 2025, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 0, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 10000, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1970, month: 1, day: 1)?.dayNumber == 0)
    }

    /// Independent oracle: walk the calendar year by year, month by month, day by day with a plain
    /// counter (leap rule written out here, not CivilDate.isLeap) and check both directions.
    @Test("day number round trip over every day 1970-2100")
    func dayNumberRoundTrip() throws {
        var counter = 0
        var mismatches: [String] = []
        for y in 1970...2100 {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
            let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
            for m in 1...12 {
                for d in 1...lengths[m - 1] {
                    let date = CivilDate(year: y, month: m, day: d)
                    let back = CivilDate(dayNumber: counter)
                    if date?.dayNumber != counter || back.year != y || back.month != m || back.day != d
                        || (try? CivilDate(parsing: back.description)) != back
                    {
                        mismatches.append("\(y)-\(m)-\(d) vs day \(counter)")
                    }
                    counter += 1
                }
            }
        }
        #expect(counter == 47847)  // 1970-01-01 ... 2100-12-31 inclusive
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test(
        "ISO weekday of known dates",
        arguments: [
            ("1970-01-01", 4), ("1969-12-31", 3), ("2000-01-01", 6), ("2024-02-29", 4),
            ("2025-01-27", 1), ("2026-02-28", 6), ("2027-02-06", 6), ("2100-12-31", 5),
            ("0001-01-01", 1), ("9999-12-31", 5)
        ])
    func weekday(text: String, iso: Int) throws {
        let date = try CivilDate(parsing: text)
        #expect(date.isoWeekday == iso)
        #expect(date.isWeekend == (iso >= 6))
    }

    @Test("weekdays advance by one each day, also before 1970")
    func weekdayCycle() {
        for n in -800...800 {
            let a = CivilDate(dayNumber: n), b = CivilDate(dayNumber: n + 1)
            #expect(b.isoWeekday == a.isoWeekday % 7 + 1)
        }
    }

    @Test(
        "month arithmetic clamps to the month end (Civil Code art. 202)",
        arguments: [
            ("2024-01-31", 1, "2024-02-29"), ("2023-01-31", 1, "2023-02-28"), ("2024-02-29", 12, "2025-02-28"),
            ("2024-08-31", 6, "2025-02-28"), ("2026-08-31", -6, "2026-02-28"), ("2025-03-31", -1, "2025-02-28"),
            ("2025-05-31", 1, "2025-06-30"), ("2025-12-15", 1, "2026-01-15"), ("2025-01-15", -1, "2024-12-15"),
            ("2025-01-31", -13, "2023-12-31"), ("2000-02-29", 1200, "2100-02-28")
        ])
    func addingMonths(start: String, months: Int, expected: String) throws {
        #expect(try CivilDate(parsing: start).adding(months: months).description == expected)
    }

    @Test("years are twelve months: 2024-02-29 + 1y is 2025-02-28, + 4y is 2028-02-29")
    func addingYears() throws {
        let leapDay = try CivilDate(parsing: "2024-02-29")
        #expect(leapDay.adding(years: 1).description == "2025-02-28")
        #expect(leapDay.adding(years: 4).description == "2028-02-29")
        #expect(leapDay.adding(years: -1).description == "2023-02-28")
    }
}
