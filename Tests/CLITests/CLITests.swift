import Foundation
import TestSupport
import Testing

/// Contract tests of the `obligctl` binary: exact output, exit status and stderr shape, as scripts
/// depend on them. They run the built binary (found as `Binaries` in TestSupport says; `swift test`
/// builds all products, so the binary is current when the tests run that way).
enum Obligctl {
    static let binary: String? = Binaries.locate("obligctl")

    /// An empty configuration directory, so that /etc/obligd on the machine cannot change the results.
    static let emptyConfig: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("obligctl-cli-tests-empty-config").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func run(_ arguments: [String], stdin: String? = nil, environment extra: [String: String] = [:]) throws -> ProcessResult {
        try #require(binary != nil, "obligctl not found: build it (swift build --product obligctl) or set OBLIGCTL_BIN")
        return try obligctl(arguments, stdin: stdin, environment: ["OBLIGD_CONFIG": emptyConfig].merging(extra) { $1 })
    }
}

@Suite("obligctl contract", .serialized)
struct CLITests {
    @Test("the binary is found")
    func binaryFound() throws {
        let bin = try #require(Obligctl.binary)
        print("obligctl under test: \(bin)")
        #expect(FileManager.default.isExecutableFile(atPath: bin), "\(bin)")
    }

    @Test("calc prints exactly the due date and a newline")
    func calcPlain() throws {
        let r = try Obligctl.run(["calc", "2025-01-27", "+5wd"])
        #expect(r.stdout == "2025-02-10\n")
        #expect(r.stderr == "")
        #expect(r.status == 0)
    }

    @Test(
        "negative periods and roll modes on the command line",
        arguments: [
            (["calc", "2026-08-31", "-6mo"], "2026-02-28\n"),
            (["calc", "2026-10-04", "-6mo"], "2026-04-03\n"),
            (["calc", "2026-10-04", "-6mo", "--roll", "forward"], "2026-04-07\n"),
            (["calc", "--roll", "none", "2026-10-04", "-6mo"], "2026-04-04\n"),
            (["calc", "2025-03-03", "+2mo"], "2025-05-06\n"),
            (["calc", "2025-02-10", "-5wd"], "2025-01-27\n"),
            (["calc", "2025-03-03T14:05:00+08:00", "+10min"], "2025-03-03T14:15:00+08:00\n"),
            (["calc", "2025-03-03T06:05:00Z", "+30min"], "2025-03-03T14:35:00+08:00\n"),
            (["calc", "--zone", "Europe/Berlin", "2025-03-03T14:05:00+08:00", "+1h"], "2025-03-03T08:05:00+01:00\n")
        ])
    func calcVariants(args: [String], expected: String) throws {
        let r = try Obligctl.run(args)
        #expect(r.stdout == expected, "\(r.stderr)")
        #expect(r.status == 0)
    }

    @Test("calc --json is one JSON object with the documented keys")
    func calcJSON() throws {
        let r = try Obligctl.run(["calc", "--json", "2025-01-27", "+5wd"])
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("}\n"))
        #expect(r.stdout.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for key in ["start", "period", "due", "dueInstant", "provisional", "calendars"] {
            #expect(object[key] != nil, "missing key \(key)")
        }
        #expect(object["start"] as? String == "2025-01-27")
        #expect(object["period"] as? String == "+5wd")
        #expect(object["due"] as? String == "2025-02-10")
        #expect(object["dueInstant"] as? String == "2025-02-10T16:00:00Z")
        #expect(object["provisional"] as? Bool == false)
        let calendars = try #require(object["calendars"] as? [[String: Any]])
        #expect(calendars.count == 1)
        #expect(calendars.first?["year"] as? Int == 2025)
        #expect(calendars.first?["source"] as? String == "official")
    }

    @Test("calc --json marks a deadline reaching 2027 provisional and lists 2027 as estimated")
    func calcJSONProvisional() throws {
        let r = try Obligctl.run(["calc", "--json", "2026-12-25", "+10wd"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["due"] as? String == "2027-01-11")
        #expect(object["provisional"] as? Bool == true)
        let calendars = try #require(object["calendars"] as? [[String: Any]])
        #expect(calendars.map { $0["year"] as? Int } == [2026, 2027])
        #expect(calendars.last?["source"] as? String == "estimated")
    }

    @Test("plain calc marks a provisional result on its line and says why on stderr")
    func calcPlainProvisional() throws {
        let r = try Obligctl.run(["calc", "2026-12-25", "+10wd"])
        #expect(r.status == 0)
        #expect(r.stdout == "2027-01-11 provisional\n")
        #expect(r.stderr.contains("estimated holiday calendar (2027)"), "\(r.stderr)")
        let settled = try Obligctl.run(["calc", "2025-01-27", "+5wd"])
        #expect(settled.stdout == "2025-02-10\n" && settled.stderr.isEmpty)
    }

    @Test("calc --batch marks each provisional line and counts them on stderr")
    func batchProvisional() throws {
        let r = try Obligctl.run(["calc", "--batch"], stdin: "2026-12-25 +10wd\n2025-01-27 +5wd\n2026-12-01 +2mo\n")
        #expect(r.status == 0)
        #expect(r.stdout == "2027-01-11 provisional\n2025-02-10\n2027-02-01 provisional\n")
        #expect(r.stderr.contains("2 results marked provisional"), "\(r.stderr)")
    }

    @Test("calc --explain prints the due date first, then the reasoning")
    func calcExplain() throws {
        let r = try Obligctl.run(["calc", "--explain", "2025-01-27", "+5wd"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "2025-02-10")
        #expect(r.stdout.contains("Spring Festival"))
        #expect(r.stdout.contains("Make-up working day counted: 2025-02-08 (Saturday)"))
    }

    @Test("--batch answers every line, continues after bad ones and exits 1")
    func batchWithErrors() throws {
        let input = "2025-01-27 +5wd\n2025-02-30 +5wd\n2026-08-31 -6mo\n2025-01-27 +5xd\nnonsense\n2025-03-03\t+2mo\r\n2025-07-18 +30wd"
        let r = try Obligctl.run(["calc", "--batch"], stdin: input)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 7, "\(lines)")
        #expect(lines.count == 7 && lines[0] == "2025-02-10")
        #expect(lines.count == 7 && lines[1].hasPrefix("error: ") && lines[1].contains("'2025-02-30'"))
        #expect(lines.count == 7 && lines[2] == "2026-02-28")
        #expect(lines.count == 7 && lines[3].hasPrefix("error: ") && lines[3].contains("'+5xd'"))
        #expect(lines.count == 7 && lines[4].hasPrefix("error: "))
        #expect(lines.count == 7 && lines[5] == "2025-05-06")
        #expect(lines.count == 7 && lines[6] == "2025-08-29")
        #expect(r.status == 1)
    }

    @Test("--batch with only good lines exits 0")
    func batchAllGood() throws {
        let r = try Obligctl.run(["calc", "--batch"], stdin: "2025-06-01 +30wd\n2024-08-31 +6mo\n")
        #expect(r.stdout == "2025-07-14\n2025-02-28\n")
        #expect(r.status == 0)
    }

    @Test("--batch error past the calendar names the input")
    func batchOutOfRange() throws {
        let r = try Obligctl.run(["calc", "--batch"], stdin: "2099-12-30 +5wd\n")
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("error: "))
        #expect(r.stdout.contains("2099-12-30"), "\(r.stdout)")
        #expect(!r.stdout.contains("''"), "\(r.stdout)")
    }

    @Test(
        "bad input exits 2 with one line on stderr naming the token",
        arguments: [
            (["calc", "2025-02-30", "+5wd"], "2025-02-30"),
            (["calc", "2025-01-27", "+5xd"], "+5xd"),
            (["calc", "2025-01-27", "+-3wd"], "+-3wd"),
            (["calc", "0001-01-01", "+5wd"], "0001-01-01"),
            (["calc", "2025-2-3", "+5wd"], "2025-2-3"),
            (["calc", "0000-01-01", "+5wd"], "0000-01-01"),
            (["calc", "tomorrow", "+5wd"], "tomorrow"),
            (["calc", "2025-01-27", "+0wd"], "+0wd"),
            (["calc", "2025-01-27", "+5wd", "--roll", "sideways"], "sideways"),
            (["calc", "2025-01-27", "+5wd", "--zone", "Mars/Base"], "Mars/Base"),
            (["calendar", "is-working", "2025-02-30"], "2025-02-30")
        ])
    func badInput(args: [String], token: String) throws {
        let r = try Obligctl.run(args)
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(r.stderrLines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(token), "\(r.stderr)")
        #expect(r.stderr.hasPrefix("obligctl: "))
    }

    @Test("calendar is-working: make-up Saturday 2026-02-28 is a working day")
    func isWorkingMakeUp() throws {
        let r = try Obligctl.run(["calendar", "is-working", "2026-02-28"])
        #expect(r.stdout.hasPrefix("yes 2026-02-28 "), "\(r.stdout)")
        #expect(r.stdout.contains("make-up working day"))
        #expect(r.status == 0)
    }

    @Test("calendar is-working: a holiday is not, with exit status 1")
    func isWorkingHoliday() throws {
        let r = try Obligctl.run(["calendar", "is-working", "2026-02-16"])
        #expect(r.stdout.hasPrefix("no 2026-02-16 day off: Spring Festival"), "\(r.stdout)")
        #expect(r.status == 1)
        let p = try Obligctl.run(["calendar", "is-working", "2027-02-08"])
        #expect(p.stdout.hasPrefix("no 2027-02-08"))
        #expect(p.stdout.contains("PROVISIONAL"))
    }

    @Test("calendar show and is-working print JSON objects with --json")
    func calendarJSON() throws {
        let show = try Obligctl.run(["calendar", "show", "2019", "--json"])
        #expect(show.status == 0)
        let year = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(year["year"] as? Int == 2019 && year["provisional"] as? Bool == false)
        let days = try #require(year["daysOff"] as? [[String: Any]])
        #expect(days.contains { $0["from"] as? String == "2019-05-01" && $0["to"] as? String == "2019-05-04" }, "amended Labour Day")
        #expect(days.contains { $0["from"] as? String == "2019-12-30" && $0["notice"] as? Int == 2020 } == false)
        let day = try Obligctl.run(["calendar", "is-working", "2026-02-16", "--json"])
        #expect(day.status == 1)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(day.stdout.utf8)) as? [String: Any])
        #expect(answer["working"] as? Bool == false && (answer["why"] as? String)?.contains("Spring Festival") == true)
    }

    @Test("a bad configuration file exits 2 with one line naming the file")
    func badConfig() throws {
        let dir = try TempDir(prefix: "obligctl-cli-bad")
        let file = try dir.write("calendars/cn/2027.json", "{ \"region\": ")
        let r = try Obligctl.run(["calc", "--config", dir.path, "2025-01-27", "+5wd"])
        #expect(r.status == 2)
        #expect(r.stderrLines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(file), "\(r.stderr)")
    }

    @Test("rules list and show")
    func rules() throws {
        let list = try Obligctl.run(["rules", "list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("cn.facial-recognition.filing"))
        #expect(list.stdout.contains("cn.pipo.report"))
        let show = try Obligctl.run(["rules", "show", "cn.facial-recognition.filing"])
        #expect(show.stdout.contains("effective:  2025-06-01"))
        #expect(show.stdout.contains("period:     +30wd"))
    }
}

/// Files named on the command line that cannot be read are named with why, never with Foundation's
/// error domain and code (`audit verify --file` printed `NSCocoaErrorDomain Code=260`).
@Suite("obligctl input files", .serialized)
struct InputFileTests {
    @Test func aMissingFileOrADirectoryIsNamedWithWhy() throws {
        let dir = try makeTemporaryDirectory("obligctl-input")
        let missing = dir.appendingPathComponent("missing.jsonl").path
        let env = ["OBLIGD_SOCKET": dir.appendingPathComponent("none.sock").path]
        for arguments in [["audit", "verify", "--file"], ["import"], ["calendar", "import-notice", "--dry-run"]] {
            let gone = try Obligctl.run(arguments + [missing], environment: env)
            #expect(gone.status == 2, "\(arguments): \(gone)")
            #expect(gone.stderr.contains("\(missing): no such file; check the path"), "\(arguments): \(gone)")
            let directory = try Obligctl.run(arguments + [dir.path], environment: env)
            #expect(directory.status == 2, "\(arguments): \(directory)")
            #expect(directory.stderr.contains("\(dir.path) is a directory; give a file"), "\(arguments): \(directory)")
            #expect(!(gone.stderr + directory.stderr).contains("NSCocoaErrorDomain"))
        }
        let backup = try Obligctl.run(["backup", "verify", dir.path], environment: env)
        #expect(backup.status == 2 && backup.stderr.contains("\(dir.path) is a directory; give the backup file"), "\(backup)")
    }
}
