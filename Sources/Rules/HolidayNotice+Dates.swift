import DeadlineKit
import Foundation

/// A day as a notice writes it: [YYYY年][M月]D日, then what the parentheses say about it (周二, 星期日,
/// 农历除夕), not yet tied to a year or month.
struct DateToken {
    var year: Int?
    var month: Int?
    var day: Int
    var notes: [String]
    /// As written, for messages: 2月4日（农历正月初七、周二）.
    var text: String
}

/// A cursor over one sentence of a normalized holiday line.
struct SentenceScanner {
    private let chars: [Character]
    private var i = 0

    init(_ sentence: Substring) { chars = Array(sentence) }

    var atEnd: Bool { i >= chars.count }
    /// What is left, shown with full-width punctuation.
    var rest: String { fullWidth(String(chars[min(i, chars.count)...])) }

    mutating func take(_ s: String) -> Bool {
        let want = Array(s)
        guard i + want.count <= chars.count, Array(chars[i..<i + want.count]) == want else { return false }
        i += want.count
        return true
    }

    mutating func number() -> Int? {
        var n = 0, count = 0
        while i < chars.count, let d = chars[i].wholeNumberValue, chars[i].isASCII, count < 5 {
            n = n * 10 + d
            count += 1
            i += 1
        }
        return count == 0 ? nil : n
    }

    /// A day, or nil (and the cursor where it was) when the text here is not one.
    mutating func date() -> DateToken? {
        let start = i
        guard var n = number() else { return nil }
        var year: Int?, month: Int?
        if take("年") {
            year = n
            guard let m = number() else {
                i = start
                return nil
            }
            n = m
        }
        if take("月") {
            month = n
            guard let d = number() else {
                i = start
                return nil
            }
            n = d
        }
        guard take("日") else {
            i = start
            return nil
        }
        var notes: [String] = []
        if take("(") {
            guard let close = chars[i...].firstIndex(of: ")") else {
                i = start
                return nil
            }
            notes = String(chars[i..<close]).split(whereSeparator: { $0 == "、" || $0 == "," }).map(String.init)
            i = close + 1
        }
        return DateToken(year: year, month: month, day: n, notes: notes, text: fullWidth(String(chars[start..<i])))
    }
}

extension ItemReader {
    /// The day `t` names: its own year, else `year`; its own month, else `month` (the day before it in
    /// a list or range: 1月1日至3日, 2月20日、21日). Checks what its parentheses say.
    func resolve(_ t: DateToken, year: Int, month: Int?, _ line: NoticeLine) throws(NoticeError) -> CivilDate {
        guard let m = t.month ?? month else {
            throw NoticeError(
                line: line.number, text: line.original, problem: "\(t.text) has no month",
                fix: "write the month as the notice does (2月4日)")
        }
        let y = t.year ?? year
        guard let d = CivilDate(year: y, month: m, day: t.day) else {
            throw NoticeError(
                line: line.number, text: line.original, problem: "\(t.text) is not a day of \(y)",
                fix: "check the month and day against the published notice")
        }
        for note in t.notes { try check(note, of: t, is: d, line) }
        return d
    }

    /// The last day of a range starting on `first`: without a year of its own, in `first`'s year, or
    /// the next one when it comes earlier in the year (a run across New Year).
    func resolveEnd(_ t: DateToken, after first: CivilDate, _ line: NoticeLine) throws(NoticeError) -> CivilDate {
        let plain = DateToken(year: t.year, month: t.month, day: t.day, notes: [], text: t.text)
        var end = try resolve(plain, year: first.year, month: first.month, line)
        if t.year == nil, end < first { end = try resolve(plain, year: first.year + 1, month: first.month, line) }
        guard end >= first else {
            throw NoticeError(
                line: line.number, text: line.original, problem: "the run ends on \(end), before it starts on \(first)",
                fix: "check the two dates of the range against the published notice")
        }
        for note in t.notes { try check(note, of: t, is: end, line) }
        return end
    }

    static let weekdays: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7]
    static let weekdayNames = ["", "一", "二", "三", "四", "五", "六", "日"]

    /// Checks one note in the parentheses after a day: a weekday (周二, 星期日, 礼拜六) or a lunar date.
    func check(_ note: String, of t: DateToken, is d: CivilDate, _ line: NoticeLine) throws(NoticeError) {
        for prefix in ["周", "星期", "礼拜"] where note.hasPrefix(prefix) {
            let rest = note.dropFirst(prefix.count)
            guard rest.count == 1, let weekday = Self.weekdays[rest.first!] else { break }
            guard weekday == d.isoWeekday else {
                throw NoticeError(
                    line: line.number, text: line.original,
                    problem: "\(t.text) says \(note), but \(d) is a \(d.weekdayName) (\(prefix)\(Self.weekdayNames[d.isoWeekday]))",
                    fix: "check the day and its weekday against the published notice: one of them was mistyped")
            }
            return
        }
        if note.hasPrefix("农历") {
            guard let lunar = LunarDay(note) else {
                throw NoticeError(
                    line: line.number, text: line.original, problem: "cannot read the lunar date \(note) of \(t.text)",
                    fix: "write it as the notice does: 农历除夕, 农历正月初七, 农历腊月二十八")
            }
            guard lunar.matches(d) else {
                throw NoticeError(
                    line: line.number, text: line.original,
                    problem: "\(t.text) says \(note), but \(d) is \(LunarDay.name(of: d)) in the Chinese calendar",
                    fix: "check the day against the published notice")
            }
            return
        }
        throw NoticeError(
            line: line.number, text: line.original, problem: "cannot read （\(note)） after \(t.text)",
            fix: "the parentheses after a day hold its weekday (周二, 星期日) and perhaps its lunar date (农历除夕)")
    }
}

/// A lunar date as a notice writes it in parentheses (农历除夕, 农历正月初七, 农历腊月二十八), checked
/// with Foundation's Chinese calendar as `HolidayEstimator` derives the festivals.
struct LunarDay {
    /// nil for 除夕, the last day of the lunar year.
    var month: Int?
    var day: Int

    static let months = [
        "正": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10, "冬": 11, "十一": 11, "腊": 12, "十二": 12
    ]
    static let days: [String: Int] = {
        let ones = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        var d: [String: Int] = [:]
        for (i, o) in ones.enumerated() {
            d["初" + o] = i + 1
            if i < 9 {
                d["十" + o] = 11 + i
                d["廿" + o] = 21 + i
                d["二十" + o] = 21 + i
            }
        }
        d["二十"] = 20
        d["三十"] = 30
        return d
    }()

    init?(_ note: String) {
        var rest = Substring(note.dropFirst("农历".count))
        if rest == "除夕" {
            month = nil
            day = 0
            return
        }
        guard let mark = rest.firstIndex(of: "月"), let m = Self.months[String(rest[..<mark])] else { return nil }
        rest = rest[rest.index(after: mark)...]
        guard let d = Self.days[String(rest)] else { return nil }
        month = m
        day = d
    }

    func matches(_ d: CivilDate) -> Bool {
        guard let month else { return Self.components(d.adding(days: 1)) == (1, 1) }
        return Self.components(d) == (month, day)
    }

    /// The lunar month and day of `d`; a leap month counts as none of the twelve.
    static func components(_ d: CivilDate) -> (Int, Int) {
        let c = chinese.dateComponents([.month, .day, .isLeapMonth], from: noon(d))
        guard c.isLeapMonth != true, let m = c.month, let day = c.day else { return (0, 0) }
        return (m, day)
    }

    /// `d` in words for a message: 农历正月初七.
    static func name(of d: CivilDate) -> String {
        if components(d.adding(days: 1)) == (1, 1) { return "农历除夕" }
        let (m, day) = components(d)
        let month = months.first { $0.value == m && $0.key.count == 1 }?.key ?? "闰"
        let dayName = days.first { $0.value == day && !$0.key.hasPrefix("廿") }?.key ?? "\(day)"
        return "农历\(month)月\(dayName)"
    }

    private static let chinese: Calendar = {
        var c = Calendar(identifier: .chinese)
        c.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return c
    }()

    private static func noon(_ d: CivilDate) -> Date {
        var g = Calendar(identifier: .gregorian)
        g.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let c = d.components
        return g.date(from: DateComponents(year: c.year, month: c.month, day: c.day, hour: 12))!
    }
}
