import DeadlineKit
import Foundation
import TestSupport
import Testing

@testable import Rules

/// The published texts of the State Council holiday notices (Fixtures/, see SOURCES.md) read into
/// calendar files: each gives exactly the shipped file of its year, and a notice that does not add
/// up is refused naming the line.
@Suite("Holiday notices")
struct HolidayNoticeTests {
    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: repositoryRoot().appendingPathComponent("Tests/RulesTests/Fixtures/\(name).txt"), encoding: .utf8)
    }

    static func shipped(_ year: Int) throws -> (document: CalendarDocument, text: String) {
        let url = repositoryRoot().appendingPathComponent("config/calendars/cn/\(year).json")
        let data = try Data(contentsOf: url)
        return (try JSONDecoder().decode(CalendarDocument.self, from: data), String(decoding: data, as: UTF8.self))
    }

    /// The 1-based line of `text` that contains `part`.
    static func line(of part: String, in text: String) throws -> Int {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        return try #require(lines.firstIndex { $0.contains(part) }) + 1
    }

    @Test(
        "a published notice gives exactly the shipped calendar file of its year",
        arguments: [("notice-2017", 2017), ("notice-2023", 2023), ("notice-2024", 2024), ("notice-2025", 2025), ("notice-2026", 2026)])
    func matchesShippedFile(_ name: String, _ year: Int) throws {
        let notice = try HolidayNotice.parse(try Self.fixture(name))
        let shipped = try Self.shipped(year)
        #expect(notice.year == year)
        // The version counts corrections of the file; the notice cannot know it.
        let document = notice.document(region: "cn", version: shipped.document.version)
        #expect(document == shipped.document)
        #expect(document.text == shipped.text, "laid out as the shipped files are")
        // And the file loader reads it to the same year obligd runs on.
        let (_, parsed) = try CalendarFile.parse(Data(document.text.utf8), file: "calendars/cn/\(year).json (embedded)")
        #expect(parsed == Fixtures.cn.year(year))
    }

    @Test("Xinhua's wire copy (preamble, indentation, no document number) reads as the gov.cn text")
    func xinhuaCopy() throws {
        let wire = try HolidayNotice.parse(try Self.fixture("notice-2025-xinhua"))
        let gov = try HolidayNotice.parse(try Self.fixture("notice-2025"))
        #expect(wire.reference == nil)
        #expect(gov.reference == "国办发明电〔2024〕12号")
        #expect(wire.title == gov.title && wire.published == gov.published && wire.holidays == gov.holidays)
        #expect(wire.title == "国务院办公厅关于2025年部分节假日安排的通知")
    }

    @Test("ASCII punctuation, CRLF line ends, a byte-order mark and stray spaces read the same")
    func punctuationVariants() throws {
        let text = try Self.fixture("notice-2026")
        var ascii = text
        for (full, plain) in [("（", "("), ("）", ")"), ("：", ":"), ("，", ", ")] { ascii = ascii.replacingOccurrences(of: full, with: plain) }
        ascii = "\u{FEFF}" + ascii.replacingOccurrences(of: "\n", with: "\r\n").replacingOccurrences(of: "一、", with: "一 、")
        let a = try HolidayNotice.parse(ascii), b = try HolidayNotice.parse(text)
        #expect(a == b)
        #expect(b.notes.isEmpty, "the 2026 advice is a closing paragraph, not part of a holiday line")
    }

    @Test("a web page around the notice: lines before its title and after its date line are not read")
    func pageAround() throws {
        let text = try Self.fixture("notice-2025-xinhua")
        let page = "光明网 2024-11-12 18:48 来源：新华网\n2024年11月12日\n" + text + "\n[责任编辑：张三]\n2024年11月13日\n相关阅读 一、元旦：1月1日\n"
        let n = try HolidayNotice.parse(page)
        #expect(n.published == Fixtures.d("2024-11-12"))
        #expect(n == (try HolidayNotice.parse(text)))
    }

    @Test("advice inside a holiday line is kept as a note, not read as a day")
    func adviceIsANote() throws {
        let notice = try HolidayNotice.parse(try Self.fixture("notice-2024"))
        #expect(notice.notes == ["鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。"])
        #expect(!notice.holidays.contains { $0.contains(Fixtures.d("2024-02-09")) })
    }

    @Test("every holiday name of the shipped files 2008-2026 is the one the parser gives its local name")
    func englishNames() throws {
        var seen = 0
        for year in 2008...2026 {
            for h in try Self.shipped(year).document.holidays {
                let local = try #require(h.localName, "\(year) \(h.name)")
                #expect(HolidayNotice.englishName(local) == h.name, "\(year): \(local)")
                seen += 1
            }
        }
        #expect(seen > 120)
        #expect(HolidayNotice.englishName("国庆节、中秋节") == "National Day and Mid-Autumn Festival")
        #expect(HolidayNotice.englishName("植树节") == nil)
    }

    /// A notice with only `items` as its holiday lines, for the cases no published notice has.
    static func notice(_ year: Int, _ items: String...) -> String {
        "国务院办公厅关于\(year)年部分节假日安排的通知\n" + items.joined(separator: "\n") + "\n国务院办公厅\n\(year - 1)年11月1日\n"
    }

    @Test("a run across New Year, and a 补休 day after a weekend")
    func acrossNewYearAndSubstitute() throws {
        let n = try HolidayNotice.parse(
            Self.notice(2026, "一、元旦：2025年12月31日（周三）至1月2日（周五）放假，共3天。", "二、端午节：6月19日（周五）放假，6月22日（周一）补休。"))
        #expect(n.holidays.map { "\($0.first)..\($0.last)" } == ["2025-12-31..2026-01-02", "2026-06-19..2026-06-22"])
        #expect(n.published == Fixtures.d("2025-11-01"))
        // Without its year, December is in the notice's year, and the run would end in the next one.
        #expect(throws: NoticeError.self) { try HolidayNotice.parse(Self.notice(2026, "一、元旦：12月31日至1月2日放假，共3天。")) }
    }
}
