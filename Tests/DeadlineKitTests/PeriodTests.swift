import DeadlineKit
import Testing

@Suite("Period grammar")
struct PeriodTests {
    @Test(
        "accepted forms",
        arguments: [
            ("+30wd", 30, Period.Unit.workingDays), ("+1wd", 1, .workingDays), ("-5wd", -5, .workingDays),
            ("+15d", 15, .days), ("-1d", -1, .days), ("+2mo", 2, .months), ("-6mo", -6, .months),
            ("+1y", 1, .years), ("-1y", -1, .years), ("+1h", 1, .hours), ("+10min", 10, .minutes),
            ("-5min", -5, .minutes), ("+30s", 30, .seconds), ("+007d", 7, .days),
            ("+20000wd", 20_000, .workingDays), ("+1200mo", 1200, .months), ("+100y", 100, .years)
        ])
    func accepted(text: String, amount: Int, unit: Period.Unit) throws {
        let p = try Period(parsing: text)
        #expect(p.amount == amount)
        #expect(p.unit == unit)
        #expect(p.isBackward == (amount < 0))
        // The canonical form parses back to the same period.
        #expect(try Period(parsing: p.description) == p)
    }

    @Test(
        "rejected forms name the token and say what is wrong",
        arguments: [
            ("+5xd", "unknown unit 'xd'"),
            ("+-3wd", "no number after the sign"),
            ("5wd", "must start with + or -"),
            ("+0wd", "amount of zero"),
            ("+wd", "no number after the sign"),
            ("", "must start with + or -"),
            ("+", "no number after the sign"),
            ("++5wd", "no number after the sign"),
            ("+5", "unknown unit ''"),
            ("+5WD", "unknown unit 'WD'"),
            ("+5 wd", "unknown unit ' wd'"),
            ("+5wd ", "unknown unit 'wd '"),
            ("+5.5d", "unknown unit '.5d'"),
            ("+20001wd", "longer than obligd supports"),
            ("+1201mo", "longer than obligd supports"),
            ("+101y", "longer than obligd supports"),
            ("+99999999999999999999wd", "")
        ])
    func rejected(text: String, fragment: String) {
        let error = #expect(throws: InputError.self) { try Period(parsing: text) }
        #expect(error?.token == text)
        #expect(error?.description.hasPrefix("'\(text)' ") == true)
        #expect(error?.problem.contains(fragment) == true, "\(String(describing: error))")
    }

    @Test("instant units carry seconds, day units do not")
    func seconds() throws {
        #expect(try Period(parsing: "+1h").seconds == 3600)
        #expect(try Period(parsing: "+10min").seconds == 600)
        #expect(try Period(parsing: "-5min").seconds == -300)
        #expect(try Period(parsing: "+30s").seconds == 30)
        #expect(try Period(parsing: "+30wd").seconds == nil)
        #expect(try Period(parsing: "+2mo").seconds == nil)
    }

    @Test("default roll: forward after a trigger, backward before a date")
    func defaultRoll() throws {
        #expect(Roll.default(for: try Period(parsing: "+2mo")) == .forward)
        #expect(Roll.default(for: try Period(parsing: "-6mo")) == .backward)
    }
}
