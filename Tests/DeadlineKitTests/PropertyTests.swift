import DeadlineKit
import Testing

/// Properties checked on many deterministic pseudo-random cases (SplitMix64 with fixed seeds, so a
/// failure reproduces exactly). The calendar is SpecCalendar.cn (2023-2027).
@Suite("Properties")
struct PropertyTests {
    let cal = SpecCalendar.cn
    static let iterations = 20_000

    func randomDay(_ g: inout SplitMix64, in range: ClosedRange<CivilDate>) -> CivilDate {
        CivilDate(dayNumber: Int.random(in: range.lowerBound.dayNumber...range.upperBound.dayNumber, using: &g))
    }

    /// +Nwd: the result is a working day, strictly after the start, exactly N working days lie in
    /// (start, result], it agrees with a day-by-day walk, and it is strictly increasing in N.
    /// -Nwd: mirror image. Results that would leave the calendar are errors, never guesses.
    @Test("working days: result is working, strictly after, exact count, monotonic in N")
    func workingDays() throws {
        var g = SplitMix64(seed: 0x0B11_6D01)
        var failures: [String] = []
        for _ in 0..<Self.iterations {
            let s = randomDay(&g, in: cal.firstDay...cal.lastDay)
            let n = Int.random(in: 1...260, using: &g)
            let reference = try? cal.referenceAddingWorkingDays(n, to: s)
            guard let r = try? cal.addingWorkingDays(n, to: s) else {
                if reference != nil { failures.append("\(s) +\(n)wd threw but \(reference!) exists") }
                continue
            }
            if reference != r { failures.append("\(s) +\(n)wd = \(r), walk says \(String(describing: reference))") }
            if try !cal.isWorkingDay(r) { failures.append("\(s) +\(n)wd = \(r) is a rest day") }
            if !(r > s) { failures.append("\(s) +\(n)wd = \(r) not after start") }
            if try cal.workingDayCount(from: s.adding(days: 1), through: r) != n { failures.append("\(s) +\(n)wd count") }
            if let next = try? cal.addingWorkingDays(n + 1, to: s), !(next > r) {
                failures.append("\(s): +\(n + 1)wd = \(next) not after +\(n)wd = \(r)")
            }
            if n > 1, let prev = try? cal.addingWorkingDays(n - 1, to: s), !(prev < r) {
                failures.append("\(s): +\(n - 1)wd = \(prev) not before +\(n)wd = \(r)")
            }
            // Going back the same number of working days returns to the start when it is a working
            // day, and otherwise to the last working day before it (the start itself is never counted).
            if let back = try? cal.addingWorkingDays(-n, to: r), let expected = try? cal.rolled(s, .backward),
                back != expected
            {
                failures.append("\(s) +\(n)wd -\(n)wd = \(back), expected \(expected)")
            }
            // -Nwd from the same start.
            let rb = try? cal.addingWorkingDays(-n, to: s)
            let refb = try? cal.referenceAddingWorkingDays(-n, to: s)
            if rb != refb { failures.append("\(s) -\(n)wd = \(String(describing: rb)), walk says \(String(describing: refb))") }
            if let rb {
                if try !cal.isWorkingDay(rb) || !(rb < s) { failures.append("\(s) -\(n)wd = \(rb) bad") }
                if try cal.workingDayCount(from: rb, through: s.adding(days: -1)) != n { failures.append("\(s) -\(n)wd count") }
            }
            if failures.count > 20 { break }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// +Nd / -Nd with the default roll: the due day is a working day; every day strictly between the
    /// landing day and the due day is a rest day (the roll stops at the first working day); a working
    /// landing day is never moved; roll none never moves.
    @Test("calendar days: roll stops at the first working day in its direction")
    func calendarDays() throws {
        var g = SplitMix64(seed: 0xDA75)
        var failures: [String] = []
        let inner = SpecCalendar.d("2023-03-01")...SpecCalendar.d("2027-10-01")
        for _ in 0..<Self.iterations {
            let s = randomDay(&g, in: inner)
            let n = Int.random(in: 1...60, using: &g) * (Bool.random(using: &g) ? 1 : -1)
            let p = Period(amount: n, unit: .days)
            let dl = try cal.deadline(from: s, p)
            if dl.landing != s.adding(days: n) { failures.append("\(s) \(p) landing \(dl.landing)") }
            if try !cal.isWorkingDay(dl.due) { failures.append("\(s) \(p) due \(dl.due) is a rest day") }
            if try cal.isWorkingDay(dl.landing), dl.due != dl.landing { failures.append("\(s) \(p) moved a working day") }
            let (lo, hi) = (min(dl.landing, dl.due), max(dl.landing, dl.due))
            if n > 0 ? dl.due < dl.landing : dl.due > dl.landing { failures.append("\(s) \(p) rolled the wrong way") }
            if lo < hi {
                for k in lo.dayNumber..<hi.dayNumber where k != lo.dayNumber || n > 0 {
                    let day = CivilDate(dayNumber: k)
                    if day != dl.due, try cal.isWorkingDay(day) { failures.append("\(s) \(p) skipped working day \(day)") }
                }
            }
            let none = try cal.deadline(from: s, p, roll: Roll.none)
            if none.due != none.landing { failures.append("\(s) \(p) roll none moved") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// "-Nmo then +Nmo brackets the start". Exactly what holds:
    ///
    /// 1. Clamping alone (roll none): r = s.adding(months: -N).adding(months: N) is in s's month and
    ///    r <= s; r == s exactly when s's day exists in the month N months earlier, otherwise r is the
    ///    last day of that shorter month's length (e.g. 03-31 -1mo +1mo = 03-28 in a common year).
    ///    So going back and forth never moves a date later, and at most 3 days earlier.
    /// 2. With the default rolls, b = due(s, -Nmo) (rolled backward) and a = due(s, +Nmo) (rolled
    ///    forward) bracket the start strictly: b < s < a, and both are working days.
    /// 3. Composed with rolls, f = due(b, +Nmo) satisfies f <= rolled(s, .forward): the backward roll
    ///    only moves earlier, month addition is monotone, and the forward roll is monotone, so the round
    ///    trip never ends after the first working day on or after s. It is not always >= s (clamping and
    ///    the backward roll can both move it earlier), but it is within 16 days: at most 3 days of
    ///    clamping plus the longest rest run (9 days, Spring Festival 2026) plus 3 days of month-length
    ///    difference after a roll across a month end, rounded up.
    @Test("months: -Nmo then +Nmo brackets the start")
    func monthsBracket() throws {
        var g = SplitMix64(seed: 0x6D6F)
        var failures: [String] = []
        for _ in 0..<Self.iterations {
            let n = Int.random(in: 1...24, using: &g)
            // Keep s +/- N months (and rolls) inside 2023-2027.
            let lo = SpecCalendar.d("2023-01-20").adding(months: n)
            let hi = SpecCalendar.d("2027-12-10").adding(months: -n)
            let s = randomDay(&g, in: lo...hi)
            // 1. clamping only
            let r = s.adding(months: -n).adding(months: n)
            let dayFits = s.day <= CivilDate.daysIn(month: s.adding(months: -n).month, year: s.adding(months: -n).year)
            if !(r <= s) || r.month != s.month || r.year != s.year || (r == s) != dayFits || s.dayNumber - r.dayNumber > 3 {
                failures.append("clamp: \(s) -\(n)mo +\(n)mo = \(r)")
            }
            // 2. strict bracket with default rolls
            let b = try cal.deadline(from: s, Period(amount: -n, unit: .months)).due
            let a = try cal.deadline(from: s, Period(amount: n, unit: .months)).due
            if !(b < s && s < a) { failures.append("bracket: \(b) < \(s) < \(a)") }
            if try !cal.isWorkingDay(b) || !cal.isWorkingDay(a) { failures.append("rest day: \(b) or \(a)") }
            // 3. round trip with rolls
            let f = try cal.deadline(from: b, Period(amount: n, unit: .months)).due
            let ceiling = try cal.rolled(s, .forward)
            if !(f <= ceiling) { failures.append("round trip: \(s) -> \(b) -> \(f) > \(ceiling)") }
            if s.dayNumber - f.dayNumber > 16 { failures.append("round trip too early: \(s) -> \(b) -> \(f)") }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }

    /// The provisional flag is set exactly when a day that decided the result lies in an estimated year.
    @Test("provisional iff a deciding day is in an estimated year")
    func provisional() throws {
        var g = SplitMix64(seed: 0x9A0F)
        var failures: [String] = []
        // +/-60 working days or 6 months from any day here stays inside 2023-2027.
        let inner = SpecCalendar.d("2023-07-01")...SpecCalendar.d("2027-06-30")
        let units: [Period.Unit] = [.workingDays, .days, .months]
        for _ in 0..<Self.iterations {
            let s = randomDay(&g, in: inner)
            let unit = units.randomElement(using: &g)!
            let n = Int.random(in: 1...(unit == .months ? 6 : 60), using: &g) * (Bool.random(using: &g) ? 1 : -1)
            let dl = try cal.deadline(from: s, Period(amount: n, unit: unit))
            let span = dl.decidingDays
            let touches = (span.lowerBound.year...span.upperBound.year).contains { $0 == 2023 || $0 == 2027 }
            if dl.provisional != touches { failures.append("\(s) \(dl.period) -> \(dl.due) provisional \(dl.provisional)") }
            if unit == .workingDays, span != (n > 0 ? s.adding(days: 1)...dl.due : dl.due...s.adding(days: -1)) {
                failures.append("\(s) \(dl.period) deciding days \(span)")
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(10))")
    }
}
