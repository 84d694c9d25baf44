import DeadlineKit
import Foundation
import TestSupport
import Testing

@testable import Rules

/// Conditions on an event's attributes (issue 31): the Zhejiang 10-minute and 30-minute reports are
/// for incidents of level 较大 (relatively significant) or more severe.
@Suite("Event conditions")
struct EventConditionTests {
    let config = Embedded.configuration

    func severity() throws -> Scale { try #require(config.packs[0].scales["severity"]) }

    @Test func theSeverityScaleIsOrderedAndReadInBothLanguages() throws {
        let s = try severity()
        #expect(try s.level(parsing: "一般") < s.level(parsing: "较大"))
        #expect(try s.level(parsing: "较大") == s.level(parsing: "relatively-significant"))
        #expect(try s.level(parsing: "重大") < s.level(parsing: "particularly-significant"))
        #expect(try s.level(parsing: "特别重大").description == "particularly-significant")
        #expect(throws: InputError.self) { try s.level(parsing: "medium") }
    }

    @Test func theZhejiangReportsAreForRelativelySignificantOrWorse() throws {
        for id in ["cn.zhejiang.incident-phone", "cn.zhejiang.incident-written"] {
            let r = try #require(config.rule(id))
            #expect(r.eventConditions.map(\.description) == ["severity at least relatively-significant"], "\(id)")
            #expect(r.eventConditions.allSatisfy { $0.basis.contains("较大及以上") })
            let c = r.eventConditions
            #expect(Evaluation.check(c, attributes: ["severity": "一般"]) == .notMet("severity general is below relatively-significant"))
            #expect(Evaluation.check(c, attributes: ["severity": "general"]) != .met)
            for s in ["较大", "relatively-significant", "重大", "significant", "特别重大", "particularly-significant"] {
                #expect(Evaluation.check(c, attributes: ["severity": s]) == .met, "\(s)")
            }
            #expect(Evaluation.check(c, attributes: [:]) == .notStated(["severity"]))
        }
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String, trigger: String, path: String, fragment: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(
            name: "condition on an attribute that is not on a scale",
            trigger: #"{ "event": "widget_notice", "when": [{ "attribute": "expires", "atLeast": "x", "basis": "b" }] }"#,
            path: "rules[0].trigger.when[0].attribute", fragment: "no scale attribute 'expires'"),
        Bad(
            name: "level not on the scale",
            trigger: #"{ "event": "widget_notice", "when": [{ "attribute": "grade", "atLeast": "huge", "basis": "b" }] }"#,
            path: "rules[0].trigger.when[0].atLeast", fragment: "'huge' is not a level of the scale grade"),
        Bad(
            name: "condition without its basis",
            trigger: #"{ "event": "widget_notice", "when": [{ "attribute": "grade", "atLeast": "big" }] }"#,
            path: "rules[0].trigger.when[0].basis", fragment: "missing")
    ]

    @Test("a bad event condition is refused, naming file and path", arguments: bad)
    func badCondition(_ b: Bad) throws {
        var pack = Fixtures.pack.replacingOccurrences(
            of: #""trigger": { "metric": "widgets", "conditions": [{ "op": ">=", "value": 10, "basis": "test basis" }] }"#,
            with: #""trigger": \#(b.trigger)"#)
        pack = pack.replacingOccurrences(
            of: #""attributes": { "expires": "date" }"#, with: #""attributes": { "expires": "date", "grade": "scale:grade" }"#)
        pack = pack.replacingOccurrences(
            of: #""events": {"#, with: #""scales": { "grade": { "levels": [["small", "小"], ["big", "大"]] } },"# + "\n  \"events\": {")
        #expect(pack.contains("scale:grade") && pack.contains(#""scales""#) && pack.contains(b.trigger))
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["rules/test.json": pack])
        do {
            _ = try Configuration.load(directory: dir.path)
            Issue.record("loaded")
        } catch {
            #expect("\(error)".contains("rules/test.json"), "\(error)")
            #expect("\(error)".contains(b.path), "\(error)")
            #expect("\(error)".contains(b.fragment), "\(error)")
        }
    }
}
