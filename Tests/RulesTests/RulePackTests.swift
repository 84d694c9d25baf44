import DeadlineKit
import Foundation
import TestSupport
import Testing

@testable import Rules

@Suite("Rule pack")
struct RulePackTests {
    let config = Embedded.configuration

    @Test("every rule of the embedded pack loads")
    func allRulesLoad() throws {
        #expect(config.packs.map(\.name) == ["cn"])
        let ids = Set(config.rules.map(\.id))
        #expect(ids.count == config.rules.count, "rule ids are unique")
        #expect(
            ids == [
                "cn.facial-recognition.filing", "cn.facial-recognition.change", "cn.facial-recognition.termination",
                "cn.pipo.report", "cn.pipo.change", "cn.important-data.assessment", "cn.important-data.annual-risk-assessment",
                "cn.pi-export.certificate-renewal",
                "cn.pi-export.certification-scope", "cn.pi-export.certification-scope-sensitive",
                "cn.shanghai.rectification-report", "cn.liaoning.rectification", "cn.rectification.notice",
                "cn.zhejiang.incident-phone", "cn.zhejiang.incident-written", "cn.network-log.retention",
                "cn.platform.large-registered", "cn.platform.large-active", "cn.mlps.annual-assessment", "cn.mlps.annual-plan",
                "cn.mlps.refiling",
                "cn.telecom.focus"
            ])
        for r in config.rules {
            #expect(!r.citation.isEmpty, "\(r.id)")
            #expect(r.region == "cn")
            if r.kind == .deadline { #expect(r.period != nil || r.periodAttribute != nil, "\(r.id)") }
            if case let .metric(name, conditions, _) = r.trigger {
                #expect(config.packs[0].metrics[name] != nil, "\(r.id)")
                #expect(!conditions.isEmpty)
            }
        }
    }

    func conditions(_ id: String) throws -> [Rule.Condition] {
        let r = try #require(config.rule(id))
        guard case let .metric(_, conditions, _) = r.trigger else {
            Issue.record("\(id) is not a metric rule")
            return []
        }
        return conditions
    }

    /// The operators and numbers of a rule's conditions, without the words they come from.
    func thresholds(_ id: String) throws -> [String] { try conditions(id).map(\.description) }

    /// Section 3 of the spec: facial recognition applies at 100,000 or more (>=), effective 2025-06-01,
    /// so a threshold reached earlier is due 2025-06-01 + 30wd = 2025-07-14.
    @Test("facial recognition filing: >= 100000, +30wd, effective 2025-06-01 -> due 2025-07-14")
    func facial() throws {
        let r = try #require(config.rule("cn.facial-recognition.filing"))
        #expect(try thresholds(r.id) == [">= 100000"])
        #expect(try conditions(r.id)[0].holds(100_000))
        #expect(try !conditions(r.id)[0].holds(99_999))
        #expect(r.period == Period(amount: 30, unit: .workingDays))
        #expect(r.effective == Fixtures.d("2025-06-01"))
        #expect(r.addressee == "provincial-level CAC")
        let due = try Fixtures.cn.deadline(from: #require(r.effective), #require(r.period)).due
        #expect(due.description == "2025-07-14")
    }

    /// PIPO: 1,000,000 or more (>=: 处理100万人以上, Civil Code art. 1259; the newsletters' "over"
    /// read it as >), effective 2025-07-18, so an earlier crossing is due 2025-08-29.
    @Test("PI protection officer report: >= 1000000, +30wd, effective 2025-07-18 -> due 2025-08-29")
    func pipo() throws {
        let r = try #require(config.rule("cn.pipo.report"))
        #expect(try thresholds(r.id) == [">= 1000000"])
        #expect(try conditions(r.id)[0].holds(1_000_000))
        #expect(try !conditions(r.id)[0].holds(999_999))
        #expect(r.effective == Fixtures.d("2025-07-18"))
        let due = try Fixtures.cn.deadline(from: #require(r.effective), #require(r.period)).due
        #expect(due.description == "2025-08-29")
    }

    /// 10万人以上、不满100万人: 100,000 included, 1,000,000 not (the pack had > 100000 before).
    @Test("certification scope is 100,000 or more and under 1,000,000")
    func certificationScope() throws {
        let c = try conditions("cn.pi-export.certification-scope")
        #expect(try thresholds("cn.pi-export.certification-scope") == [">= 100000", "< 1000000"])
        let holds = { (x: Int64) in c.allSatisfy { $0.holds(x) } }
        #expect(!holds(99_999) && holds(100_000) && holds(999_999) && !holds(1_000_000))
    }

    @Test("other periods and rolls of the pack")
    func otherRules() throws {
        let renewal = try #require(config.rule("cn.pi-export.certificate-renewal"))
        #expect(renewal.period == Period(amount: -6, unit: .months))
        #expect(renewal.roll == .backward)
        if case let .event(kind, attr) = renewal.trigger {
            #expect(kind == "pi_export_certificate_issued")
            #expect(attr == "expires")
        } else {
            Issue.record("renewal is not an event rule")
        }
        #expect(config.rule("cn.important-data.assessment")?.period == Period(amount: 2, unit: .months))
        #expect(config.rule("cn.shanghai.rectification-report")?.period == Period(amount: 5, unit: .workingDays))
        #expect(config.rule("cn.liaoning.rectification")?.period == Period(amount: 7, unit: .days))
        #expect(config.rule("cn.zhejiang.incident-phone")?.period == Period(amount: 10, unit: .minutes))
        #expect(config.rule("cn.zhejiang.incident-written")?.period == Period(amount: 30, unit: .minutes))
        #expect(config.rule("cn.network-log.retention")?.kind == .retention)
        #expect(config.rule("cn.network-log.retention")?.roll == Roll.none)
        #expect(config.rule("cn.mlps.annual-assessment")?.recurrence == Period(amount: 1, unit: .years))
        #expect(try thresholds("cn.platform.large-registered") == [">= 50000000"])
        #expect(try thresholds("cn.platform.large-active") == [">= 10000000"])
        #expect(try thresholds("cn.telecom.focus") == ["> 10000000"])
    }

    @Test("a minimal valid pack loads next to the embedded one")
    func minimalPackLoads() throws {
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["rules/test.json": Fixtures.pack])
        let loaded = try Configuration.load(directory: dir.path)
        #expect(loaded.rule("test.widgets")?.period == Period(amount: 5, unit: .workingDays))
        #expect(loaded.rule("cn.pipo.report") != nil)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String, from: String, to: String, path: String, fragment: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(
            name: "unknown key in a rule", from: #""period": "+5wd","#, to: #""perod": "+5wd", "period": "+5wd","#,
            path: "rules[0].perod", fragment: "unknown key 'perod'"),
        Bad(
            name: "unknown metric", from: #""metric": "widgets""#, to: #""metric": "gadgets""#,
            path: "rules[0].trigger.metric", fragment: "unknown metric 'gadgets'"),
        Bad(
            name: "deadline without a period", from: #""period": "+5wd","#, to: "",
            path: "rules[0].period", fragment: "a deadline rule needs a period"),
        Bad(
            name: "period attribute that is not a period of the trigger event", from: #""period": "+5wd","#,
            to: #""period": "+5wd", "periodAttribute": "expires","#,
            path: "rules[0].periodAttribute", fragment: "the trigger event has no period attribute 'expires'"),
        Bad(
            name: "bad period", from: #""period": "+5wd""#, to: #""period": "+5xd""#,
            path: "rules[0].period", fragment: "'+5xd' has an unknown unit 'xd'"),
        Bad(
            name: "unknown operator", from: #""op": ">=""#, to: #""op": "=>""#,
            path: "rules[0].trigger.conditions[0].op", fragment: "unknown operator '=>'"),
        Bad(
            name: "unknown kind", from: #""kind": "deadline""#, to: #""kind": "deadlines""#,
            path: "rules[0].kind", fragment: "unknown kind 'deadlines'"),
        Bad(
            name: "unknown event",
            from: #""trigger": { "metric": "widgets", "conditions": [{ "op": ">=", "value": 10, "basis": "test basis" }] }"#,
            to: #""trigger": { "event": "gadget_notice" }"#, path: "rules[0].trigger.event", fragment: "unknown event kind 'gadget_notice'"),
        Bad(
            name: "rule id taken by another pack", from: #""id": "test.widgets""#, to: #""id": "cn.pipo.report""#,
            path: "rules", fragment: "rule id 'cn.pipo.report' is already defined"),
        Bad(
            name: "reminder after the deadline", from: #""before": ["-1d"]"#, to: #""before": ["+1d"]"#,
            path: "defaults.reminders.before[0]", fragment: "is not a time before the deadline"),
        Bad(
            name: "bad roll", from: #""period": "+5wd","#, to: #""period": "+5wd", "roll": "sideways","#,
            path: "rules[0].roll", fragment: "use forward, backward or none"),
        Bad(
            name: "value not a number", from: #""value": 10"#, to: #""value": "10""#,
            path: "rules[0].trigger.conditions[0].value", fragment: "expected a whole number"),
        Bad(
            name: "unknown metric reset", from: #""widgets": "Widgets made""#,
            to: #""widgets": { "description": "Widgets made", "resets": "monthly" }"#, path: "metrics.widgets.resets",
            fragment: "unknown reset 'monthly'; use yearly"),
        Bad(
            name: "an event that lapses an unknown kind", from: #""events": { "#,
            to: #""events": { "widget_revoked": { "description": "Revoked", "lapses": "gadget_notice" }, "#,
            path: "events.widget_revoked.lapses", fragment: "'gadget_notice' is not an issuing event kind"),
        Bad(
            name: "final without lapses", from: #""events": { "#,
            to: #""events": { "widget_revoked": { "description": "Revoked", "final": true }, "#,
            path: "events.widget_revoked.final", fragment: "only an event that lapses can be final"),
        Bad(name: "invalid JSON", from: #""rules": ["#, to: #""rules": [["#, path: "", fragment: "not valid JSON")
    ]

    @Test("bad rule files are rejected, naming file and path", arguments: bad)
    func badPack(_ c: Bad) throws {
        #expect(Fixtures.pack.contains(c.from))
        let broken = Fixtures.pack.replacingOccurrences(of: c.from, with: c.to)
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["rules/test.json": broken])
        let error = #expect(throws: ConfigError.self) { try Configuration.load(directory: dir.path) }
        #expect(error?.file == dir.full("rules/test.json"), "\(String(describing: error))")
        #expect(error?.path == c.path, "\(String(describing: error))")
        #expect(error?.problem.contains(c.fragment) == true, "\(String(describing: error))")
    }
}
