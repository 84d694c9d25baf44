import DeadlineKit
import Foundation

/// Reads the numbered holiday lines of a notice, one at a time and in order, into runs.
///
/// A line is sentences (。): first the days off, "DAY[至DAY]放假[调休][N天][，共N天][，不调休][，与周末连休]
/// [，DAY补休]"; then optionally the make-up working days, "DAY、DAY上班"; and advice that decides no day
/// (鼓励…) kept as a note. Anything else on a holiday line is refused.
struct ItemReader {
    let year: Int
    private(set) var runs: [HolidayRun] = []
    private(set) var notes: [String] = []
    private var runLines: [Int] = []

    init(year: Int) { self.year = year }

    mutating func read(_ line: NoticeLine) throws(NoticeError) {
        let number = line.itemNumber!
        let expected = runs.count + 1
        guard number == expected else {
            throw error(
                line,
                number < expected
                    ? "item \(chineseNumeral(number)) comes after item \(chineseNumeral(expected - 1)): the numbering starts again"
                    : "item \(chineseNumeral(number)) comes where item \(chineseNumeral(expected)) belongs: a holiday line is missing",
                fix: number < expected ? "import one notice at a time" : "paste the notice whole, every numbered line")
        }
        let afterNumber = line.text[line.text.index(after: line.text.firstIndex(of: "、")!)...]
        guard let colon = afterNumber.firstIndex(of: ":") else {
            throw error(line, "no colon (：) after the holiday's name", fix: "write it as the notice does: 一、元旦：1月1日…")
        }
        let localName = afterNumber[..<colon].replacingOccurrences(of: ",", with: "、")
        guard let name = HolidayNotice.englishName(localName) else {
            let known = HolidayNotice.englishNames.keys.filter { $0.count < 6 }.sorted().joined(separator: ", ")
            throw error(
                line, "'\(localName)' is not a holiday obligd knows (\(known))",
                fix: "check the name against the notice; a new holiday needs its English name in HolidayNotice.englishNames")
        }
        var run: HolidayRun?
        var noMakeUp = false
        for sentence in afterNumber[afterNumber.index(after: colon)...].split(whereSeparator: { $0 == "。" || $0 == ";" }) {
            if sentence.hasPrefix("鼓励") {
                notes.append(fullWidth(String(sentence)) + "。")
            } else if sentence.hasSuffix("上班") {
                guard var r = run else { throw error(line, "make-up days come before the days off", fix: Self.shape) }
                if noMakeUp {
                    throw error(line, "says 不调休 (no make-up day) and names make-up days", fix: "check the line against the notice")
                }
                r.makeUpDays += try makeUpDays(sentence, line)
                run = r
            } else if sentence.hasSuffix("补休"), var r = run {
                var s = SentenceScanner(sentence)
                guard let t = s.date(), s.take("补休"), s.atEnd else { throw unreadable(sentence, line) }
                try substitute(try resolve(t, year: year, month: nil, line), in: &r, line)
                run = r
            } else if sentence.contains("放假"), run == nil {
                (run, noMakeUp) = try daysOff(sentence, name: name, localName: localName, line)
            } else {
                throw unreadable(sentence, line)
            }
        }
        guard let run else { throw error(line, "no days off (…放假) in the holiday line", fix: Self.shape) }
        try check(run, line)
        runs.append(run)
        runLines.append(line.number)
    }

    static let shape = "a holiday line reads like 二、春节：1月28日（周二）至2月4日（周二）放假调休，共8天。1月26日（周日）上班。"

    private func error(_ line: NoticeLine, _ problem: String, fix: String) -> NoticeError {
        NoticeError(line: line.number, text: line.original, problem: problem, fix: fix)
    }

    private func unreadable(_ sentence: Substring, _ line: NoticeLine) -> NoticeError {
        error(line, "cannot read 「\(fullWidth(String(sentence)))」", fix: Self.shape)
    }

    /// The days-off sentence, and whether it says 不调休 (no make-up day).
    private func daysOff(
        _ sentence: Substring, name: String, localName: String, _ line: NoticeLine
    ) throws(NoticeError) -> (HolidayRun, Bool) {
        var s = SentenceScanner(sentence)
        guard let a = s.date() else { throw error(line, "no day (M月D日) after the colon", fix: Self.shape) }
        let first = try resolve(a, year: year, month: nil, line)
        var last = first
        if s.take("至") {
            guard let b = s.date() else { throw error(line, "no day after 至: cannot read \(s.rest)", fix: Self.shape) }
            last = try resolveEnd(b, after: first, line)
        }
        guard s.take("放假") else { throw error(line, "expected 放假 after the days, found 「\(s.rest)」", fix: Self.shape) }
        _ = s.take("调休") || s.take("公休")
        var run = HolidayRun(name: name, localName: localName, first: first, last: last)
        var counts: [Int] = []
        if let n = s.number() {
            guard s.take("天") else { throw unreadable(sentence, line) }
            counts.append(n)
        }
        var noMakeUp = false, besideWeekend = false
        while !s.atEnd {
            guard s.take(",") else { throw unreadable(sentence, line) }
            if s.take("共") {
                guard let n = s.number(), s.take("天") else { throw unreadable(sentence, line) }
                counts.append(n)
            } else if s.take("不调休") {
                noMakeUp = true
            } else if s.take("与周末连休") || s.take("与周六连休") || s.take("与周日连休") {
                besideWeekend = true
            } else if let t = s.date(), s.take("补休") {
                try substitute(try resolve(t, year: year, month: nil, line), in: &run, line)
            } else {
                throw error(
                    line, "cannot read 「\(s.rest)」 after 放假",
                    fix: "after 放假 a notice says 共N天, 不调休, 与周末连休 or M月D日（星期一）补休")
            }
        }
        for n in counts where n != run.dayCount {
            throw error(
                line, "共\(n)天, but \(run.first)..\(run.last) is \(run.dayCount) day(s)",
                fix: "check the days and the count against the published notice: one of them was mistyped")
        }
        if besideWeekend, !run.first.adding(days: -1).isWeekend, !run.last.adding(days: 1).isWeekend {
            throw error(
                line, "says 与周末连休, but \(run.first)..\(run.last) is not next to a weekend",
                fix: "check the day against the published notice")
        }
        return (run, noMakeUp)
    }

    /// A 补休 day: a weekday after the run, with only weekend days between, that the run then reaches.
    private func substitute(_ day: CivilDate, in run: inout HolidayRun, _ line: NoticeLine) throws(NoticeError) {
        let between = (run.last.dayNumber + 1..<day.dayNumber).map(CivilDate.init(dayNumber:))
        guard day > run.last, !day.isWeekend, between.allSatisfy(\.isWeekend) else {
            throw error(
                line, "\(day) (补休) does not follow the days off \(run.first)..\(run.last) across a weekend",
                fix: "check the day against the published notice")
        }
        run.last = day
    }

    /// The make-up sentence: DAY、DAY上班 (a day without a month takes the one before it: 2月20日、21日).
    private func makeUpDays(_ sentence: Substring, _ line: NoticeLine) throws(NoticeError) -> [CivilDate] {
        var s = SentenceScanner(sentence)
        var days: [CivilDate] = []
        repeat {
            guard let t = s.date() else { throw unreadable(sentence, line) }
            days.append(try resolve(t, year: year, month: days.last?.month, line))
        } while s.take("、") || s.take(",")
        guard s.take("上班"), s.atEnd else { throw unreadable(sentence, line) }
        for d in days where !d.isWeekend {
            throw error(
                line, "make-up working day \(d) is a \(d.weekdayName); notices only move work to a Saturday or Sunday",
                fix: "check the day against the published notice")
        }
        return days
    }

    /// What a run must be to belong in the file for `year` (CalendarFile checks it again, without lines).
    private func check(_ run: HolidayRun, _ line: NoticeLine) throws(NoticeError) {
        let earliest = CalendarFile.earliestDay(of: year)
        let reach = "a notice for \(year) names days of \(year), and of the last week of December before it with their year (2018年12月30日)"
        guard run.last.year == year, run.first >= earliest else {
            throw error(line, "\(run.first)..\(run.last) is not in \(year)", fix: "check the dates; \(reach)")
        }
        for m in run.makeUpDays {
            guard m >= earliest, m.year <= year else { throw error(line, "make-up day \(m) is not in \(year)", fix: "check it; \(reach)") }
            if run.contains(m) { throw error(line, "make-up day \(m) is inside the days off", fix: "check it against the notice") }
        }
        if let i = runs.firstIndex(where: { $0.first <= run.last && run.first <= $0.last }) {
            throw error(
                line, "\(run.first)..\(run.last) overlaps \(runs[i].localName ?? runs[i].name) on line \(runLines[i])",
                fix: "check both lines against the published notice")
        }
    }
}
