import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

@testable import Delivery

@Suite struct RendererTests {
    let acme = Entity(id: "acme", name: "Acme Data Ltd", zone: "Asia/Shanghai", region: "cn", owner: nil, labels: StringMap(), createdAt: 0)

    func renderer() throws -> MessageRenderer {
        let c = Embedded.configuration
        return MessageRenderer(templates: try TemplateSet.load(from: c), configuration: c)
    }

    /// 09:00 on `day` in Shanghai.
    func at(_ day: String) throws -> Instant { Zone.shanghai.instant(try CivilDate(parsing: day), minutesAfterMidnight: 540) }

    /// With obligd.json's `web.baseURL`, every message names the obligation's page in its platform's
    /// link form (a digest or an agenda the overview); without it, none does.
    @Test func messagesLinkToTheWebViewInEachPlatformsForm() throws {
        let c = try Embedded.configuration.replacing(
            "obligd.json", with: Data(#"{"web": {"baseURL": "https://obligd.example.com/"}}"#.utf8), origin: "/etc/obligd/obligd.json")
        let withWeb = MessageRenderer(templates: try TemplateSet.load(from: c), configuration: c)
        let n = try Delivery.Notification(id: "x", createdAt: 0, payload: payload(obligation: 12, stage: "due"))
        let zh = withWeb.render(n, entity: acme, language: .zhCN, now: try at("2025-10-10"))
        let url = "https://obligd.example.com/obligations/12?lang=zh-CN"
        #expect(zh.link == .init(url: url, label: "在 obligd 中打开"))
        #expect(try renderer().render(n, entity: acme, language: .en, now: try at("2025-10-10")).link == nil)
        let m = OutgoingMessage(notification: n, rendered: zh)
        func text(_ f: any WebhookFormat) throws -> String {
            String(decoding: try f.request(for: m, now: 1_760_000_000_000).body, as: UTF8.self)
        }
        let hook = Secret("https://x.test/hook")
        #expect(try text(DingTalkFormat(url: hook, secret: nil)).contains("[在 obligd 中打开](\(url))"))
        #expect(try text(WeComFormat(url: hook)).contains("[在 obligd 中打开](\(url))"))
        #expect(try text(SlackFormat(url: hook)).contains("<\(url)|在 obligd 中打开>"))
        let feishu = try text(FeishuFormat(url: hook, secret: nil))
        #expect(feishu.contains(#""tag":"button""#) && feishu.contains(#""url":"\#(url)""#), "\(feishu)")
        let teams = try text(TeamsFormat(url: hook))
        #expect(teams.contains(#""type":"Action.OpenUrl""#) && teams.contains(#""url":"\#(url)""#), "\(teams)")
        #expect(try text(StandardFormat(url: hook, secret: Secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))).contains(#""url":"\#(url)""#))
        // A URL that would end a markdown link is refused at load, naming the key.
        #expect(throws: ConfigError.self) {
            try WebSettings.load(
                try Embedded.configuration.replacing("obligd.json", with: Data(#"{"web": {"baseURL": "https://x/a)b"}}"#.utf8), origin: "t")
            )
        }
    }

    @Test func englishReminderCountsWorkingDaysOnTheRegionCalendar() throws {
        // 2025-09-26 (Friday) to 2025-10-10 (Friday): 14 calendar days; of 09-27..10-10 only 09-28 (a
        // make-up Sunday), 09-29, 09-30, 10-09 and 10-10 are working days (10-01..10-08 National Day).
        let n = try Delivery.Notification(id: "x", createdAt: 0, payload: payload(due: "2025-10-10", provisional: true))
        let r = try renderer().render(n, entity: acme, language: .en, now: try at("2025-09-26"))
        let rule = Embedded.configuration.rule("cn.pipo.report")!
        #expect(r.title == "Report the PI protection officer for Acme Data Ltd: 5 working days left (14 calendar days)")
        #expect(
            r.summary
                == "Acme Data Ltd: Report the PI protection officer is due 2025-10-10 (Friday), 5 working days left (14 calendar days)")
        #expect(r.severity == .notice)
        let facts = Dictionary(uniqueKeysWithValues: r.facts.map { ($0.label, $0.value) })
        #expect(facts["For"] == "Acme Data Ltd")
        #expect(facts["Due"] == "2025-10-10 (Friday)")
        #expect(facts["Citation"] == rule.citation)
        #expect(facts["Rule"] == "\(rule.title) (cn.pipo.report)")
        #expect(facts["File with"] == rule.addressee)
        #expect(facts["Reminder"] == "before:-7d")
        #expect(r.note?.hasPrefix("Provisional:") == true)
    }

    @Test func chineseReminderSaysTheSameInChinese() throws {
        let n = try Delivery.Notification(id: "x", createdAt: 0, payload: payload(due: "2025-10-10"))
        let r = try renderer().render(n, entity: acme, language: .zhCN, now: try at("2025-09-26"))
        // The rule's Chinese wording, not the English title the obligation stores (issue 31).
        #expect(r.summary == "Acme Data Ltd：报送个人信息保护负责人信息 截止 2025-10-10（星期五），还有 5 个工作日（14 个自然日）")
        #expect(r.facts.contains(.init(label: "截止", value: "2025-10-10（星期五）")))
        let facts = Dictionary(uniqueKeysWithValues: r.facts.map { ($0.label, $0.value) })
        #expect(facts["报送对象"] == "所在地市级网信部门")
        #expect(facts["规则"] == "报送个人信息保护负责人信息 (cn.pipo.report)")
        #expect(facts["依据"]?.hasPrefix("《国家互联网信息办公室关于开展个人信息保护负责人信息报送工作的公告》") == true)
        #expect(!r.facts.contains { $0.value.contains("CAC") || $0.value.contains("Report the") }, "\(r.facts)")
        #expect(r.note == nil)
    }

    @Test func daysLeftIsComputedAtRenderTimeNotEnqueueTime() throws {
        let n = try Delivery.Notification(id: "x", createdAt: 0, payload: payload(due: "2025-10-10"))
        let r = try renderer()
        #expect(
            r.render(n, entity: acme, language: .en, now: try at("2025-10-09")).facts.first { $0.label == "Time left" }?.value
                == "1 working day left (1 calendar day)")
        #expect(
            r.render(n, entity: acme, language: .en, now: try at("2025-10-10")).facts.first { $0.label == "Time left" }?.value
                == "due today")
        // 10-13 is a Monday: overdue by 3 calendar days, of which 10-11 (a make-up Saturday) and 10-13 are working days.
        #expect(
            r.render(n, entity: acme, language: .en, now: try at("2025-10-13")).facts.first { $0.label == "Time left" }?.value
                == "overdue by 3 calendar days (2 working days)")
    }

    @Test func customObligationsAndMissingPiecesAreLeftOutNotBlank() throws {
        let n = try Delivery.Notification(
            id: "x", createdAt: 0, payload: payload(kind: "obligation.opened", rule: "", title: "Renew the DPA", stage: nil))
        let r = try renderer().render(n, entity: nil, language: .en, now: try at("2025-09-26"))
        #expect(r.facts.first { $0.label == "For" }?.value == "acme", "without the entity row the id is shown")
        #expect(r.facts.first { $0.label == "Rule" }?.value == "custom obligation")
        #expect(!r.facts.contains { $0.label == "Citation" || $0.label == "File with" })
        #expect(r.severity == .info)
    }

    @Test func movedSaysFromAndWhy() throws {
        let n = try Delivery.Notification(
            id: "x", createdAt: 0,
            payload: payload(
                kind: "obligation.moved", due: "2025-10-10", stage: nil,
                from: "2025-09-30", reason: "metric reported late"))
        let r = try renderer().render(n, entity: acme, language: .en, now: try at("2025-09-26"))
        #expect(r.title == "Deadline moved for Acme Data Ltd: Report the PI protection officer")
        #expect(r.facts.contains(.init(label: "Was due", value: "2025-09-30 (Tuesday)")))
        #expect(r.facts.contains(.init(label: "Why", value: "metric reported late")))
    }

    @Test func lateRemindersSayWhenTheyWereScheduled() throws {
        let scheduled = try at("2025-10-03")
        let n = try Delivery.Notification(id: "x", createdAt: 0, payload: payload(late: true, scheduledAt: scheduled.secondsSinceEpoch))
        let r = try renderer().render(n, entity: acme, language: .en, now: try at("2025-10-05"))
        #expect(r.note == "Sent late: this reminder was scheduled for 2025-10-03 09:00.")
    }

    @Test func instantDeadlinesShowTheTimeAndPassingIt() throws {
        // Due 2025-10-10 14:30 Shanghai.
        let due = Zone.shanghai.instant(try CivilDate(parsing: "2025-10-10"), minutesAfterMidnight: 14 * 60 + 30)
        let n = try Delivery.Notification(
            id: "x", createdAt: 0, payload: payload(due: "2025-10-10", dueInstant: due.secondsSinceEpoch, stage: "overdue:1"))
        let r = try renderer().render(n, entity: acme, language: .en, now: due.adding(seconds: 60))
        #expect(r.facts.contains(.init(label: "Due", value: "2025-10-10 (Friday) 14:30")))
        #expect(r.facts.contains(.init(label: "Time left", value: "was due today at 14:30")))
        #expect(r.severity == .error)
        // Before it, the same day: the time, not a bare "due today" (#14).
        let before = try renderer().render(n, entity: acme, language: .en, now: due.adding(seconds: -600))
        #expect(before.facts.contains(.init(label: "Time left", value: "due today at 14:30")))
        let zh = try renderer().render(n, entity: acme, language: .zhCN, now: due.adding(seconds: -600))
        #expect(zh.summary.contains("今天 14:30 前到期"), "\(zh.summary)")
    }

    @Test func templatesAreValidatedWithFileAndKey() throws {
        var c = Embedded.configuration
        let bad = String(decoding: c.files["templates/en.json"]!, as: UTF8.self).replacingOccurrences(
            of: "{title} for {entity}: {left}", with: "{titel}")
        c.files["templates/en.json"] = Data(bad.utf8)
        #expect(
            throws: ConfigError(
                file: "templates/en.json (embedded)", path: "kinds.reminder.title",
                problem: "unknown placeholder {titel}; known here: "
                    + TemplateSet.placeholders.sorted().map { "{\($0)}" }.joined(separator: " "))
        ) {
            try TemplateSet.load(from: c)
        }
        c.files["templates/zh-CN.json"] = nil
        #expect(throws: ConfigError.self) { try TemplateSet.load(from: c) }
    }

    /// An operator's copy of a template file from before `obligation.underived` existed still loads: the
    /// new kind keeps the default wording, the operator's kinds keep theirs.
    @Test func anOlderTemplateCopyGetsTheDefaultWordingForNewKinds() throws {
        var c = Embedded.configuration
        var object = try #require(try JSONSerialization.jsonObject(with: c.files["templates/en.json"]!) as? [String: Any])
        var kinds = try #require(object["kinds"] as? [String: Any])
        kinds["obligation.underived"] = nil
        var reminder = try #require(kinds["reminder"] as? [String: Any])
        reminder["title"] = "Heads up: {title}"
        kinds["reminder"] = reminder
        object["kinds"] = kinds
        c.files["templates/en.json"] = try JSONSerialization.data(withJSONObject: object)
        c.sources["templates/en.json"] = "/etc/obligd/templates/en.json"
        let templates = try TemplateSet.load(from: c)
        #expect(templates.templates(for: .en).kinds[.reminder]?.title == "Heads up: {title}")
        #expect(templates.templates(for: .en).kinds[.underived]?.title == "No longer given by its rule for {entity}: {title}")
        // The embedded file itself must be complete.
        c = Embedded.configuration
        object = try #require(try JSONSerialization.jsonObject(with: c.files["templates/en.json"]!) as? [String: Any])
        kinds = try #require(object["kinds"] as? [String: Any])
        kinds["obligation.underived"] = nil
        object["kinds"] = kinds
        c.files["templates/en.json"] = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: ConfigError.self) { try TemplateSet.load(from: c) }
    }

    @Test func anUnderivedObligationIsAWarningThatSaysWhyAndHowToCloseIt() throws {
        let reason =
            "rule cn.pipo.report changed: threshold > 1000000 -> > 2000000; the recorded facts no longer give this obligation. It stays open: mark it done, or waive it if it no longer applies"
        let n = try Delivery.Notification(
            id: "u", createdAt: 0, payload: payload(kind: "obligation.underived", due: "2025-10-10", stage: nil, reason: reason))
        let r = try renderer().render(n, entity: acme, language: .en, now: try at("2025-09-26"))
        #expect(r.severity == .warning)
        #expect(r.title == "No longer given by its rule for Acme Data Ltd: Report the PI protection officer")
        let facts = Dictionary(uniqueKeysWithValues: r.facts.map { ($0.label, $0.value) })
        #expect(facts["Why"] == reason)
        #expect(r.note?.contains("obligctl waive 1 --reason") == true)
        let zh = try renderer().render(n, entity: acme, language: .zhCN, now: try at("2025-09-26"))
        #expect(zh.title == "Acme Data Ltd 的义务已不再由其规则产生：报送个人信息保护负责人信息")
        #expect(n.messageClass?.messageID.count == 32)
    }
}
