import DeadlineKit
import Foundation
import TestSupport
import Testing

@testable import Rules

/// Every rule says what it says in English and in the Chinese wording of the instrument (issue 31):
/// a Chinese message, feed or page never carries an English title, addressee or duty.
@Suite("Rule wording")
struct RuleWordingTests {
    let config = Embedded.configuration

    static func hasChinese(_ s: String) -> Bool { s.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }

    @Test func everyRuleHasBothWordings() throws {
        for r in config.rules {
            let en = r.wording(.en), zh = r.wording(.zhCN)
            #expect(!en.title.isEmpty && !en.citation.isEmpty, "\(r.id)")
            #expect(Self.hasChinese(zh.title) && Self.hasChinese(zh.citation), "\(r.id): \(zh)")
            #expect((en.addressee == nil) == (zh.addressee == nil), "\(r.id)")
            if let a = zh.addressee { #expect(Self.hasChinese(a), "\(r.id): \(a)") }
            #expect(en.duties.count == zh.duties.count, "\(r.id)")
            #expect(zh.duties.allSatisfy(Self.hasChinese), "\(r.id)")
            #expect(r.title == en.title && r.citation == en.citation && r.addressee == en.addressee && r.duties == en.duties)
        }
    }

    /// The citation names the instrument with its number or date; the Zhejiang rules name the plan of
    /// 2025-05-30, not "network-security incident reporting rules".
    @Test func citationsNameTheInstrumentAndItsDate() throws {
        for id in ["cn.zhejiang.incident-phone", "cn.zhejiang.incident-written"] {
            let r = try #require(config.rule(id))
            #expect(
                r.citation.contains("Zhejiang Telecom Sector Data Security Emergency Response Plan (Trial)")
                    && r.citation.contains("2025-05-30"))
            #expect(r.wording(.zhCN).citation.contains("2025年5月30日"))
        }
        #expect(config.rule("cn.facial-recognition.filing")?.wording(.zhCN).addressee == "所在地省级以上网信部门")
        #expect(config.rule("cn.network-log.retention")?.wording(.zhCN).citation.contains("第二十一条") == true)
        #expect(config.rule("cn.platform.large-registered")?.wording(.zhCN).citation.contains("第六十二条") == true)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var name: String, from: String, to: String, path: String, fragment: String
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(
            name: "title in English only", from: #""title": { "en": "Report widgets", "zh-CN": "报告小部件" }"#,
            to: #""title": "Report widgets""#, path: "rules[0].title", fragment: "needs its wording in every language"),
        Bad(
            name: "citation without Chinese", from: #""citation": { "en": "Test citation", "zh-CN": "测试依据" }"#,
            to: #""citation": { "en": "Test citation" }"#, path: "rules[0].citation.zh-CN", fragment: "missing"),
        Bad(
            name: "an empty Chinese title", from: #""title": { "en": "Report widgets", "zh-CN": "报告小部件" }"#,
            to: #""title": { "en": "Report widgets", "zh-CN": " " }"#, path: "rules[0].title.zh-CN", fragment: "must not be empty"),
        Bad(
            name: "a third language", from: #""title": { "en": "Report widgets", "zh-CN": "报告小部件" }"#,
            to: #""title": { "en": "Report widgets", "zh-CN": "报告小部件", "fr": "x" }"#, path: "rules[0].title.fr",
            fragment: "unknown key 'fr'")
    ]

    @Test("a rule without both wordings is refused, naming file and path", arguments: bad)
    func refused(_ b: Bad) throws {
        let pack = Fixtures.pack.replacingOccurrences(of: b.from, with: b.to)
        #expect(pack != Fixtures.pack)
        let dir = try TempDir(prefix: "obligd-rules-tests", files: ["rules/test.json": pack])
        do {
            _ = try Configuration.load(directory: dir.path)
            Issue.record("loaded")
        } catch {
            #expect("\(error)".contains("rules/test.json") && "\(error)".contains(b.path) && "\(error)".contains(b.fragment), "\(error)")
        }
    }
}
