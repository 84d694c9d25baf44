import Foundation
import TestSupport
import Testing

/// `obligctl calendar import-notice`: a State Council notice, as published, into the configuration
/// directory's calendar file, with the days it changes; obligd is not running here (see
/// DaemonTests/ImportNoticeEndToEndTests for the deadlines that move).
@Suite("obligctl calendar import-notice")
struct ImportNoticeTests {
    /// An INVENTED notice for 2027 in the published form (the real one was not available when this was
    /// written): weekdays and lunar dates are right, the days are made up.
    static let invented2027 = """
        国务院办公厅关于2027年部分节假日安排的通知
        （obligd 测试用的虚构通知 / invented for obligd's tests, NOT the real 2027 notice）

        一、元旦：1月1日（周五）至3日（周日）放假，共3天。
        二、春节：2月5日（农历除夕、周五）至12日（农历正月初七、周五）放假调休，共8天。2月20日（周六）上班。
        三、清明节：4月3日（周六）至5日（周一）放假，共3天。
        四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）上班。
        五、端午节：6月9日（周三）放假1天，不调休。
        六、中秋节：9月15日（周三）放假1天，不调休。
        七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。

        国务院办公厅
        2026年11月1日
        """

    /// obligctl with no obligd to ask (a socket path nothing listens on).
    static func run(_ arguments: [String], stdin: String? = nil) throws -> ProcessResult {
        try Obligctl.run(arguments, stdin: stdin, environment: ["OBLIGD_SOCKET": "/nonexistent/obligd.sock"])
    }

    @Test("writes the file of a year obligd estimates and shows the days that change from the estimate")
    func writesAndShowsChanges() throws {
        let dir = try TempDir(files: ["notice.txt": Self.invented2027])
        let r = try Self.run(["calendar", "import-notice", "--config", dir.path, dir.full("notice.txt")])
        #expect(r.status == 0, "\(r)")
        let file = dir.full("calendars/cn/2027.json")
        #expect(r.stdout.contains("Wrote \(file) (version 1)."), "\(r.stdout)")
        for line in [
            "  2027-02-05..2027-02-12  Spring Festival (春节), 8 day(s); worked: 2027-02-20 Saturday",
            "Days that change from the estimate in force for 2027:", "  Days off that were working days:",
            "    2027-02-09 Tuesday   Spring Festival (春节)", "    2027-10-07 Thursday  National Day (国庆节)",
            "  Make-up working days (weekend days worked):", "    2027-02-20 Saturday  for Spring Festival (春节)",
            "    2027-10-09 Saturday  for National Day (国庆节)",
            "Next: obligctl reload (or systemctl reload obligd) applies it; until then obligd keeps the calendar in force."
        ] {
            #expect(r.stdout.contains(line + "\n"), "missing: \(line)\n\(r.stdout)")
        }
        #expect(r.stdout.contains("Open deadlines: obligd is not running (nothing answers on /nonexistent/obligd.sock)"), "\(r.stdout)")
        let written = try String(contentsOfFile: file, encoding: .utf8)
        #expect(written.hasPrefix("{\n  \"region\": \"cn\",\n  \"year\": 2027,\n  \"version\": 1,\n"))
        #expect(
            written.contains(
                #"    { "name": "Spring Festival", "localName": "春节", "from": "2027-02-05", "to": "2027-02-12", "makeUpDays": ["2027-02-20"] },"#
            ))
        // obligctl itself now reads 2027 from the file, not the estimate.
        let show = try Self.run(["calendar", "show", "2027", "--config", dir.path])
        #expect(show.status == 0 && !show.stdout.contains("PROVISIONAL") && show.stdout.contains(file), "\(show)")
    }

    @Test("the same notice again changes nothing; a different one is refused without --force and replaces it with")
    func existingFile() throws {
        let dir = try TempDir(files: ["notice.txt": Self.invented2027])
        let file = dir.full("calendars/cn/2027.json")
        #expect(try Self.run(["calendar", "import-notice", "--config", dir.path, dir.full("notice.txt")]).status == 0)
        let again = try Self.run(["calendar", "import-notice", "--config", dir.path, dir.full("notice.txt")])
        #expect(again.status == 0 && again.stdout.contains("Unchanged: \(file) already holds this notice (version 1)."), "\(again)")
        #expect(again.stdout.contains("  none: every day keeps its status\n"), "\(again)")

        let first = try String(contentsOfFile: file, encoding: .utf8)
        let changed = Self.invented2027.replacingOccurrences(of: "9月26日（周日）、", with: "")
        let refused = try Self.run(["calendar", "import-notice", "--config", dir.path, "-"], stdin: changed)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("\(file) exists and differs from this notice; nothing was written"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--force"))
        #expect(refused.stdout.contains("    2027-09-26 Sunday    weekend, no longer a make-up working day\n"), "\(refused.stdout)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == first)

        let forced = try Self.run(["calendar", "import-notice", "--config", dir.path, "--force", "-"], stdin: changed)
        #expect(forced.status == 0 && forced.stdout.contains("Wrote \(file) (version 2)."), "\(forced)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains(#""version": 2,"#))
    }

    @Test("the published 2026 notice from standard input, --dry-run: the days of the shipped file, nothing written")
    func dryRunOfThePublishedNotice() throws {
        let dir = try TempDir()
        let text = try String(
            contentsOf: repositoryRoot().appendingPathComponent("Tests/RulesTests/Fixtures/notice-2026.txt"), encoding: .utf8)
        let r = try Self.run(["calendar", "import-notice", "--config", dir.path, "--dry-run", "-"], stdin: text)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasPrefix("Notice: 国务院办公厅关于2026年部分节假日安排的通知 国办发明电〔2025〕7号, dated 2025-11-04\n"), "\(r.stdout)")
        #expect(
            r.stdout.contains(
                "Days that change from calendars/cn/2026.json (embedded) v2, in force for 2026:\n  none: every day keeps its status\n"))
        #expect(r.stdout.contains("Nothing was written (--dry-run)."))
        #expect(!FileManager.default.fileExists(atPath: dir.full("calendars")))
    }

    @Test("a notice that does not add up is refused naming the line; nothing is written")
    func refusal() throws {
        let dir = try TempDir(files: ["notice.txt": Self.invented2027.replacingOccurrences(of: "4月3日（周六）", with: "4月3日（周五）")])
        let r = try Self.run(["calendar", "import-notice", "--config", dir.path, dir.full("notice.txt")])
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("obligctl: \(dir.full("notice.txt")): line 6 「三、清明节：4月3日（周五）"), "\(r.stderr)")
        #expect(r.stderr.contains("4月3日（周五） says 周五, but 2027-04-03 is a Saturday (周六)"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.full("calendars")))
        // GB18030 (国务院), as a file saved on a Chinese Windows desktop may be.
        FileManager.default.createFile(atPath: dir.full("gbk.txt"), contents: Data([0xB9, 0xFA, 0xCE, 0xF1, 0xD4, 0xBA]))
        let gbk = try Self.run(["calendar", "import-notice", "--config", dir.path, dir.full("gbk.txt")])
        #expect(gbk.status == 2 && gbk.stderr.contains("is not UTF-8 text; convert it first, e.g. iconv -f GB18030"), "\(gbk)")
    }

    @Test("--json gives the file, the changes and why obligd was not asked")
    func json() throws {
        let dir = try TempDir(files: ["notice.txt": Self.invented2027])
        let r = try Self.run(["calendar", "import-notice", "--config", dir.path, "--json", dir.full("notice.txt")])
        #expect(r.status == 0, "\(r)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(o["outcome"] as? String == "written" && o["version"] as? Int == 1)
        #expect((o["calendar"] as? [String: Any])?["year"] as? Int == 2027)
        #expect((o["newDaysOff"] as? [[String: Any]])?.count == 11)
        #expect((o["makeUpDays"] as? [[String: Any]])?.first?["day"] as? String == "2027-02-20")
        #expect(o["preview"] == nil && (o["previewProblem"] as? String)?.contains("not running") == true)
    }
}
