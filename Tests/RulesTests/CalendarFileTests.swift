import DeadlineKit
import Foundation
import Rules
import TestSupport
import Testing

/// Each bad calendar file, dropped into a configuration directory, fails the whole load with a
/// ConfigError that names the file (its full path) and the place inside it.
@Suite("Calendar file validation")
struct CalendarFileTests {
    static let base = Fixtures.calendar2027

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String
        var file = "calendars/cn/2027.json"
        var text: String
        var path: String
        var fragment: String
        var testDescription: String { name }
    }

    static func replacing(_ a: String, _ b: String) -> String {
        precondition(base.contains(a), "fixture does not contain \(a)")
        return base.replacingOccurrences(of: a, with: b)
    }

    static let cases: [Bad] = [
        Bad(
            name: "unknown top-level key", text: replacing(#""version": 1,"#, #""version": 1, "colour": "red","#),
            path: "colour", fragment: "unknown key 'colour'"),
        Bad(
            name: "unknown key in a holiday",
            text: replacing(#""name": "New Year's Day","#, #""name": "New Year's Day", "note": "x","#),
            path: "holidays[0].note", fragment: "unknown key 'note'"),
        Bad(
            name: "make-up day on a weekday (Mon 2027-02-15)", text: replacing(#"["2027-02-14"]"#, #"["2027-02-15"]"#),
            path: "holidays[1].makeUpDays[0]", fragment: "is a Monday; a make-up working day must be a Saturday or Sunday"),
        Bad(
            name: "overlapping runs", text: replacing(#""from": "2027-02-06""#, #""from": "2027-01-03""#),
            path: "holidays[1]", fragment: "overlaps New Year's Day 2027-01-01..2027-01-03"),
        Bad(
            name: "'from' before the last week of the previous December",
            text: replacing(#""from": "2027-01-01""#, #""from": "2026-12-24""#),
            path: "holidays[0].from",
            fragment: "2026-12-24 is not in 2027; a file holds one year's notice, which may reach back to 2026-12-25"),
        Bad(
            name: "a run wholly in the previous December",
            text: replacing(#""from": "2027-01-01", "to": "2027-01-03""#, #""from": "2026-12-26", "to": "2026-12-31""#),
            path: "holidays[0].to", fragment: "2026-12-31 is not in 2027"),
        Bad(
            name: "'to' outside the year", text: replacing(#""to": "2027-02-13""#, #""to": "2028-01-02""#),
            path: "holidays[1].to", fragment: "2028-01-02 is not in 2027"),
        Bad(
            name: "make-up day before the last week of the previous December (Sun 2026-12-20)",
            text: replacing(#"["2027-02-14"]"#, #"["2026-12-20"]"#),
            path: "holidays[1].makeUpDays[0]", fragment: "2026-12-20 is not in 2027"),
        Bad(
            name: "make-up day in the next year (Sun 2028-01-02)", text: replacing(#"["2027-02-14"]"#, #"["2028-01-02"]"#),
            path: "holidays[1].makeUpDays[0]", fragment: "2028-01-02 is not in 2027"),
        Bad(
            name: "unknown key in an amendment",
            text: replacing(#""holidays": ["#, #""amendments": [{ "title": "x", "note": "y" }], "holidays": ["#),
            path: "amendments[0].note", fragment: "unknown key 'note'"),
        Bad(
            name: "amendment without a title",
            text: replacing(#""holidays": ["#, #""amendments": [{ "reference": "x" }], "holidays": ["#),
            path: "amendments[0].title", fragment: "missing"),
        Bad(
            name: "amendments not a list",
            text: replacing(#""holidays": ["#, #""amendments": { "title": "x" }, "holidays": ["#),
            path: "amendments", fragment: "expected a list"),
        Bad(
            name: "from after to", text: replacing(#""to": "2027-02-13""#, #""to": "2027-02-05""#),
            path: "holidays[1].to", fragment: "2027-02-05 is before 'from' 2027-02-06"),
        Bad(
            name: "make-up day inside its own run (Sun 2027-02-07)", text: replacing(#"["2027-02-14"]"#, #"["2027-02-07"]"#),
            path: "holidays[1].makeUpDays[0]", fragment: "lies inside the holiday 2027-02-06..2027-02-13"),
        Bad(
            name: "make-up day inside another run",
            text: replacing(#""to": "2027-01-03", "makeUpDays": []"#, #""to": "2027-01-03", "makeUpDays": ["2027-02-07"]"#),
            path: "holidays", fragment: "make-up day 2027-02-07 of New Year's Day falls inside the holiday Spring Festival"),
        Bad(
            name: "same make-up day twice",
            text: replacing(#"["2027-02-14"]"#, #"["2027-02-14", "2027-02-14"]"#),
            path: "holidays[1].makeUpDays[1]", fragment: "already a make-up day"),
        Bad(
            name: "year differs from the file name", file: "calendars/cn/2028.json", text: base,
            path: "year", fragment: "says 2027 but the file is named 2028.json"),
        Bad(
            name: "region differs from the directory", file: "calendars/hk/2027.json", text: base,
            path: "region", fragment: "says 'cn' but the file is under calendars/hk/"),
        Bad(
            name: "impossible date", text: replacing(#""to": "2027-01-03""#, #""to": "2027-02-30""#),
            path: "holidays[0].to", fragment: "'2027-02-30' is not a day of the calendar"),
        Bad(name: "invalid JSON", text: String(base.dropLast(3)), path: "", fragment: "not valid JSON"),
        Bad(
            name: "missing notice",
            text: replacing(#""notice": { "title": "TEST FIXTURE, not a real notice", "published": "2026-11-01" },"#, ""),
            path: "notice", fragment: "missing"),
        Bad(
            name: "version zero", text: replacing(#""version": 1"#, #""version": 0"#),
            path: "version", fragment: "must be 1 or more"),
        Bad(
            name: "year out of range", file: "calendars/cn/2100.json",
            text: base.replacingOccurrences(of: "2027", with: "2100"), path: "year", fragment: "outside the supported range"),
        Bad(
            name: "not in calendars/<region>/<year>.json", file: "calendars/2027.json", text: base,
            path: "", fragment: "calendar files go in calendars/<region>/<year>.json")
    ]

    @Test("the fixture itself is valid")
    func fixtureValid() throws {
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["calendars/cn/2027.json": Self.base])
        let config = try Configuration.load(directory: dir.path)
        let y = try #require(try config.calendar("cn").year(2027))
        #expect(!y.source.isEstimated)
        #expect(config.sources["calendars/cn/2027.json"] == dir.full("calendars/cn/2027.json"))
    }

    @Test("bad file", arguments: cases)
    func bad(_ c: Bad) throws {
        let dir = try TempDir(prefix: "obligd-rules-tests", files: [c.file: c.text])
        let error = #expect(throws: ConfigError.self) { try Configuration.load(directory: dir.path) }
        #expect(error?.file == dir.full(c.file), "\(String(describing: error))")
        #expect(error?.path == c.path, "\(String(describing: error))")
        #expect(error?.problem.contains(c.fragment) == true, "\(String(describing: error))")
        // The one-line description a user sees names the file.
        #expect(error?.description.hasPrefix(dir.full(c.file) + ":") == true)
    }

    /// An operator may link calendars/ (or calendars/cn/) to a shared location. Configuration.load
    /// walks the directory with FileManager.enumerator(atPath:), which does not descend into a linked
    /// root, so the 2027 file below is silently ignored and 2027 stays an estimate. Known bug, reported
    /// with a proposed fix; when it is fixed this test reports "known issue not recorded": then remove
    /// the withKnownIssue wrapper.
    @Test("a symbolically linked calendars directory is read")
    func symlinkedCalendars() throws {
        let real = try TempDir(prefix: "obligd-rules-tests", files: ["cn/2027.json": Self.base])
        let dir = try TempDir(prefix: "obligd-rules-tests")
        try FileManager.default.createSymbolicLink(atPath: dir.full("calendars"), withDestinationPath: real.path)
        let config = try Configuration.load(directory: dir.path)
        let cal = try config.calendar("cn")
        #expect(cal.year(2027)?.source.isEstimated == false)
    }

    @Test("a missing configuration directory is an error naming it")
    func missingDirectory() {
        let error = #expect(throws: ConfigError.self) { try Configuration.load(directory: "/nonexistent/obligd-config") }
        #expect(error?.file == "/nonexistent/obligd-config")
    }

    /// A notice may name days in the last week of December before its year (the 2019 notice: New Year
    /// 2018-12-30..2019-01-01, Sat 2018-12-29 worked). The fixture's 2027 is given such a run.
    @Test("a run and a make-up day in the previous December are accepted and decide those days")
    func reachBack() throws {
        let text = Self.replacing(
            #""from": "2027-01-01", "to": "2027-01-03", "makeUpDays": []"#,
            #""from": "2026-12-31", "to": "2027-01-03", "makeUpDays": ["2026-12-27"]"#)
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["calendars/cn/2027.json": text])
        let cal = try Configuration.load(directory: dir.path).calendar("cn")
        #expect(try !cal.isWorkingDay(Fixtures.d("2026-12-31")))  // a Thursday
        #expect(try cal.isWorkingDay(Fixtures.d("2026-12-27")))  // a Sunday
        #expect(cal.holiday(on: Fixtures.d("2026-12-31"))?.first == Fixtures.d("2026-12-31"))
        #expect(cal.year(2026)?.holidays.contains { $0.contains(Fixtures.d("2026-12-31")) } == false)
        // Fri 2026-12-25 +1wd is the make-up Sunday 2026-12-27, decided by the 2027 file as well.
        let r = try cal.deadline(from: Fixtures.d("2026-12-25"), Period(parsing: "+1wd"))
        #expect(r.due == Fixtures.d("2026-12-27"))
        #expect(cal.yearsDeciding(r.decidingDays.lowerBound, r.decidingDays.upperBound) == 2026...2027)
        #expect(cal.explain(r).calendars.map(\.year) == [2026, 2027])
    }

    @Test("a day named by two years' files is an error naming the later file")
    func reachBackClash() throws {
        let url = repositoryRoot().appendingPathComponent("config/calendars/cn/2026.json")
        let y2026 = String(decoding: try #require(FileManager.default.contents(atPath: url.path)), as: UTF8.self)
            .replacingOccurrences(
                of: #""makeUpDays": ["2026-09-20", "2026-10-10"]"#, with: #""makeUpDays": ["2026-09-20", "2026-10-10", "2026-12-27"]"#)
        #expect(y2026.contains("2026-12-27"))
        let text = Self.replacing(
            #""from": "2027-01-01", "to": "2027-01-03", "makeUpDays": []"#, #""from": "2026-12-26", "to": "2027-01-03", "makeUpDays": []"#)
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["calendars/cn/2027.json": text, "calendars/cn/2026.json": y2026])
        let error = #expect(throws: ConfigError.self) { try Configuration.load(directory: dir.path) }
        #expect(error?.file == dir.full("calendars/cn/2027.json"), "\(String(describing: error))")
        #expect(error?.path == "holidays")
        #expect(
            error?.problem.contains(
                "2026-12-27, a day off of New Year's Day in the 2027 notice, is already a make-up working day of National Day")
                == true, "\(String(describing: error))")
    }

    @Test("amendments are optional and cited after the notice")
    func amendments() throws {
        let text = Self.replacing(
            #""holidays": ["#,
            #""amendments": [{ "title": "TEST amendment", "reference": "TEST 1", "published": "2027-01-20" }, { "title": "TEST second" }], "holidays": ["#
        )
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["calendars/cn/2027.json": text])
        let y = try #require(try Configuration.load(directory: dir.path).calendar("cn").year(2027))
        guard case let .official(notice, published, _, _) = y.source else {
            Issue.record("not official")
            return
        }
        #expect(notice == "TEST FIXTURE, not a real notice [amended by TEST amendment TEST 1, published 2027-01-20; TEST second]")
        #expect(published == Fixtures.d("2026-11-01"))
    }

    @Test("an overlay replaces an embedded file of the same path")
    func overlayReplaces() throws {
        // A corrected 2026 file (version 9) that moves nothing but must be the one used.
        let url = repositoryRoot().appendingPathComponent("config/calendars/cn/2026.json")
        let text = String(decoding: try #require(FileManager.default.contents(atPath: url.path)), as: UTF8.self)
            .replacing(/"version": \d+/, with: #""version": 9"#)
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["calendars/cn/2026.json": text])
        let config = try Configuration.load(directory: dir.path)
        let y = try #require(try config.calendar("cn").year(2026))
        guard case let .official(_, _, file, version) = y.source else {
            Issue.record("not official")
            return
        }
        #expect(version == 9)
        #expect(file == dir.full("calendars/cn/2026.json"))
    }
}
