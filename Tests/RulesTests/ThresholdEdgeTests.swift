import DeadlineKit
import TestSupport
import Testing

@testable import Rules

/// Every threshold of the shipped pack at its number, one below and one above, read as the Chinese
/// text says (Civil Code art. 1259: 以上, 以下, 以内, 届满 include the number; 不满, 超过, 以外 do not).
@Suite("Threshold edges")
struct ThresholdEdgeTests {
    let config = Embedded.configuration

    /// A rule, a reported value, and whether the rule's conditions hold at it.
    struct Edge: Sendable, CustomTestStringConvertible {
        var rule: String, value: Int64, holds: Bool
        var testDescription: String { "\(rule) at \(value): \(holds ? "holds" : "does not hold")" }
    }

    static let edges: [Edge] = [
        // 人脸信息存储数量达到10万人
        .init(rule: "cn.facial-recognition.filing", value: 99_999, holds: false),
        .init(rule: "cn.facial-recognition.filing", value: 100_000, holds: true),
        .init(rule: "cn.facial-recognition.filing", value: 100_001, holds: true),
        // 处理100万人以上个人信息: exactly 1,000,000 opens the report, 999,999 does not.
        .init(rule: "cn.pipo.report", value: 999_999, holds: false),
        .init(rule: "cn.pipo.report", value: 1_000_000, holds: true),
        .init(rule: "cn.pipo.report", value: 1_000_001, holds: true),
        // 10万人以上、不满100万人
        .init(rule: "cn.pi-export.certification-scope", value: 99_999, holds: false),
        .init(rule: "cn.pi-export.certification-scope", value: 100_000, holds: true),
        .init(rule: "cn.pi-export.certification-scope", value: 100_001, holds: true),
        .init(rule: "cn.pi-export.certification-scope", value: 999_999, holds: true),
        .init(rule: "cn.pi-export.certification-scope", value: 1_000_000, holds: false),
        .init(rule: "cn.pi-export.certification-scope", value: 1_000_001, holds: false),
        // 不满1万人敏感个人信息 (from the first individual exported)
        .init(rule: "cn.pi-export.certification-scope-sensitive", value: 0, holds: false),
        .init(rule: "cn.pi-export.certification-scope-sensitive", value: 1, holds: true),
        .init(rule: "cn.pi-export.certification-scope-sensitive", value: 2, holds: true),
        .init(rule: "cn.pi-export.certification-scope-sensitive", value: 9_999, holds: true),
        .init(rule: "cn.pi-export.certification-scope-sensitive", value: 10_000, holds: false),
        .init(rule: "cn.pi-export.certification-scope-sensitive", value: 10_001, holds: false),
        // 注册用户5000万以上
        .init(rule: "cn.platform.large-registered", value: 49_999_999, holds: false),
        .init(rule: "cn.platform.large-registered", value: 50_000_000, holds: true),
        .init(rule: "cn.platform.large-registered", value: 50_000_001, holds: true),
        // 月活跃用户1000万以上
        .init(rule: "cn.platform.large-active", value: 9_999_999, holds: false),
        .init(rule: "cn.platform.large-active", value: 10_000_000, holds: true),
        .init(rule: "cn.platform.large-active", value: 10_000_001, holds: true),
        // "> 10,000,000" in the reference; the Chinese text is not at hand (see the rule's basis).
        .init(rule: "cn.telecom.focus", value: 9_999_999, holds: false),
        .init(rule: "cn.telecom.focus", value: 10_000_000, holds: false),
        .init(rule: "cn.telecom.focus", value: 10_000_001, holds: true)
    ]

    @Test("the rule holds exactly where the instrument says", arguments: edges)
    func edge(_ e: Edge) throws {
        let r = try #require(config.rule(e.rule))
        guard case let .metric(_, conditions, _) = r.trigger else {
            Issue.record("\(e.rule) is not a threshold rule")
            return
        }
        #expect(conditions.allSatisfy { $0.holds(e.value) } == e.holds)
    }

    /// Every threshold rule of the pack is pinned above at each of its numbers, on both sides, and
    /// every operator carries the words it comes from.
    @Test func everyThresholdIsPinnedAndExplained() throws {
        for r in config.rules {
            guard case let .metric(_, conditions, _) = r.trigger else { continue }
            let pinned = Self.edges.filter { $0.rule == r.id }.map(\.value)
            for c in conditions {
                #expect(!c.basis.isEmpty, "\(r.id) \(c)")
                for v in [c.value - 1, c.value, c.value + 1] {
                    #expect(pinned.contains(v), "\(r.id): \(c) is not pinned at \(v)")
                }
            }
        }
    }

    @Test func theCertificationRouteTakesEffectOn2026_01_01() throws {
        for id in ["cn.pi-export.certification-scope", "cn.pi-export.certification-scope-sensitive"] {
            #expect(config.rule(id)?.effective?.description == "2026-01-01", "\(id)")
        }
    }

    @Test func aConditionWithoutItsBasisIsRefusedNamingIt() throws {
        let pack = Fixtures.pack.replacingOccurrences(
            of: #""conditions": [{ "op": ">=", "value": 10, "basis": "test basis" }]"#,
            with: #""conditions": [{ "op": ">=", "value": 10 }]"#)
        #expect(pack != Fixtures.pack)
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["rules/test.json": pack])
        do {
            _ = try Configuration.load(directory: dir.path)
            Issue.record("a condition without a basis loaded")
        } catch {
            #expect("\(error)".contains("rules[0].trigger.conditions[0].basis"), "\(error)")
            #expect("\(error)".contains("rules/test.json"), "\(error)")
        }
    }
}
