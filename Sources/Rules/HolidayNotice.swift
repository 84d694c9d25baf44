import DeadlineKit
import Foundation

/// A State Council holiday notice (国务院办公厅关于YYYY年部分节假日安排的通知) read from its published
/// text, as the calendar file obligd needs for that year.
///
/// Why: every November operators copied the new notice into `calendars/cn/YEAR.json` by hand; a typo
/// there moves legal deadlines silently. The parser reads the text as gov.cn, Xinhua and the State
/// Council Gazette publish it (full-width or ASCII punctuation, indentation, a 新华社 preamble, the
/// document number line, a title broken over two lines) and checks everything the notice says about
/// itself: each weekday (周三, 星期日) and lunar date (农历除夕) in parentheses against the date, each
/// 共N天 against the run, make-up days on weekends, the numbering of the items. Anything it cannot read
/// or that does not add up is refused with the line, the problem and the fix, never guessed.
///
/// The runs are the days the notice gives: "6月10日放假，与周末连休" is the one day June 10 (the weekend
/// next to it is checked to be there, and is a weekend anyway), as the shipped files of 2017 and 2019
/// have it; "1月1日放假，1月2日（星期一）补休" runs January 1-2.
package struct HolidayNotice: Sendable, Equatable {
    /// 国务院办公厅关于YYYY年部分节假日安排的通知, in one piece even when the text breaks it.
    package var title: String
    /// The document number (国办发明电〔2024〕12号) when the text carries it; Xinhua's copy does not.
    package var reference: String?
    /// The date line that closes the notice (2024年11月12日).
    package var published: CivilDate
    /// The year the notice arranges, from its title.
    package var year: Int
    /// The runs in the notice's order, with English names as the shipped files use them.
    package var holidays: [HolidayRun]
    /// Sentences of holiday lines that advise rather than decide (鼓励…在除夕休息): not imported, shown.
    package var notes: [String]

    /// A notice from its parts; `HolidayNotice.parse` reads one from the published text.
    package init(title: String, reference: String?, published: CivilDate, year: Int, holidays: [HolidayRun], notes: [String] = []) {
        self.title = title
        self.reference = reference
        self.published = published
        self.year = year
        self.holidays = holidays
        self.notes = notes
    }

    /// The calendar file for the notice.
    package func document(region: String = "cn", version: Int = 1) -> CalendarDocument {
        CalendarDocument(
            region: region, year: year, version: version,
            notice: .init(title: title, reference: reference, published: published.description),
            holidays: holidays.map(CalendarDocument.Holiday.init))
    }

    /// The English name of each holiday a notice names, as the shipped files 2008-2026 spell them. A
    /// combined item (国庆节、中秋节) joins them in the notice's order: "National Day and Mid-Autumn Festival".
    package static let englishNames: [String: String] = [
        "元旦": "New Year's Day", "春节": "Spring Festival", "清明节": "Qingming Festival", "劳动节": "Labour Day",
        "端午节": "Dragon Boat Festival", "中秋节": "Mid-Autumn Festival", "国庆节": "National Day",
        // Announced by its own notice (国发明电〔2015〕1号), an amendment of the 2015 file.
        "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日": "Victory Day (70th anniversary)"
    ]

    /// The English name for an item's local name (国庆节、中秋节); nil when a part is not a known holiday.
    package static func englishName(_ localName: String) -> String? {
        var names: [String] = []
        for part in localName.split(whereSeparator: { $0 == "、" || $0 == "," }) {
            guard let name = englishNames[String(part)] else { return nil }
            names.append(name)
        }
        return names.isEmpty ? nil : names.joined(separator: " and ")
    }

    /// Reads a whole notice, from its title to its date line. Lines before the title, and lines after
    /// the date line (an editor's name, a web page's footer and dates), are ignored.
    package static func parse(_ text: String) throws(NoticeError) -> HolidayNotice {
        let lines = NoticeLine.split(text)
        guard let firstItem = lines.firstIndex(where: \.isItem) else {
            throw NoticeError(
                line: nil, text: nil, problem: "no numbered holiday line (一、元旦：…) found",
                fix: "paste the whole notice, from its title to the date line at its end")
        }
        let (title, year, reference) = try header(Array(lines[..<firstItem]))
        // The date line is the first one after the last holiday line: what follows it (an editor's line,
        // a page's own date) is not the notice.
        let lastItem = lines.lastIndex(where: \.isItem)!
        guard let dateIndex = lines[lastItem...].firstIndex(where: { $0.publicationDate != nil }) else {
            throw NoticeError(
                line: lines.last?.number, text: lines.last?.original,
                problem: "no date line (YYYY年M月D日) after the holiday lines",
                fix: "paste the notice up to its end: 国务院办公厅 and the date it was issued, e.g. 2024年11月12日")
        }
        let published = lines[dateIndex].publicationDate!
        guard published.year == year || published.year == year - 1 else {
            throw NoticeError(
                line: lines[dateIndex].number, text: lines[dateIndex].original,
                problem: "the notice for \(year) is dated \(published)",
                fix: "a notice is issued in the year before the one it arranges (or early in it); check the date line and the title")
        }
        var reader = ItemReader(year: year)
        for line in lines[firstItem..<dateIndex] {
            if line.isItem {
                try reader.read(line)
            } else if line.hasDate, !line.text.hasPrefix("鼓励") {
                throw NoticeError(
                    line: line.number, text: line.original,
                    problem: "names a date but is not a numbered holiday line",
                    fix: "if a holiday line was broken in two when copied, join it to the line before")
            }
        }
        return HolidayNotice(
            title: title, reference: reference, published: published, year: year, holidays: reader.runs, notes: reader.notes)
    }

    /// The title, its year and the document number, from the lines before the first holiday line.
    private static func header(_ lines: [NoticeLine]) throws(NoticeError) -> (String, Int, String?) {
        // gov.cn breaks the title over two lines (国务院办公厅关于2025年 / 部分节假日安排的通知).
        let joined = lines.map(\.text).joined()
        let titles = joined.matches(of: /国务院办公厅关于(\d{4})年部分节假日安排的通知/)
        guard let first = titles.first, let year = Int(first.output.1) else {
            throw NoticeError(
                line: lines.first?.number, text: lines.first?.original,
                problem: "no title 国务院办公厅关于YYYY年部分节假日安排的通知 before the first holiday line",
                fix: "paste the notice from its title (or from the 新华社 line that quotes it)")
        }
        if let other = titles.first(where: { Int($0.output.1) != year }) {
            throw NoticeError(
                line: nil, text: nil, problem: "the text has titles for \(year) and \(other.output.1)",
                fix: "import one notice at a time")
        }
        guard Configuration.supportedYears.contains(year) else {
            throw NoticeError(
                line: nil, text: String(first.output.0), problem: "\(year) is outside obligd's calendar",
                fix: "obligd covers \(Configuration.supportedYears.lowerBound)-\(Configuration.supportedYears.upperBound)")
        }
        // The document number: 国办发明电〔2024〕12号 (国发明电 for the State Council itself).
        let reference = joined.firstMatch(of: /国[^〔,。:]{1,6}〔\d{4}〕\d+号/).map { String($0.output) }
        return (String(first.output.0), year, reference)
    }
}

/// Why a notice was refused: the line (1-based, in the text as given), the problem and the fix.
package struct NoticeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The 1-based line of the text the problem is on; nil for a problem with the notice as a whole.
    package var line: Int?
    /// The line as given (trimmed), to find it in the text.
    package var text: String?
    /// What is wrong with it.
    package var problem: String
    /// What the operator can do about it, printed after the problem.
    package var fix: String

    /// An error on `line` (with its `text`), or on the whole notice when both are nil.
    package init(line: Int?, text: String?, problem: String, fix: String) {
        self.line = line
        self.text = text
        self.problem = problem
        self.fix = fix
    }

    /// `line N 「text」: problem (fix: ...)`, as `obligctl calendar import-notice` prints it.
    package var description: String {
        var s = line.map { "line \($0)" } ?? "the notice"
        if let text {
            let shown = text.count > 120 ? text.prefix(120) + "…" : Substring(text)
            s += " 「\(shown)」"
        }
        return "\(s): \(problem) (fix: \(fix))"
    }
}
