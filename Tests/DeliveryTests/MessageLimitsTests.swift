import Foundation
import Store
import TestSupport
import Testing

@testable import Delivery

/// Every message fits its platform and shows user text as typed: a 5,000-character title full of
/// markup goes to a test server per platform that enforces the platform's size limits (DingTalk 460101,
/// Feishu 9499, Slack invalid_blocks, Teams 413, WeCom 40058) and is delivered everywhere, with no
/// mention, link, tag or heading made of the user's text.
@Suite(.serialized) struct MessageLimitsTests {
    static let corpus =
        #"<!channel> <at id=all></at> <@U024BE7LH> [click](http://evil.example) <font color="warning">red</font> *bold* _it_ & a"#
        + "\n# heading "

    @Test func aLongTitleFullOfMarkupIsDeliveredEverywhereEscaped() async throws {
        // The markup in the entity's name too; without the newline, which no entity name can hold.
        let h = try await Harness(entityName: Self.corpus.replacingOccurrences(of: "\n", with: " ") + "Acme")
        let title = Self.corpus + String(repeating: "截止日期很重要", count: 700)
        #expect(title.count >= 5000)
        try h.credential("hooks.secret", whsec)
        let (standard, _) = try await Platform.standard(secret: whsec, clock: h.clock)
        let ding = try await Platform.dingtalk(token: "tok", secret: "SECgood", clock: h.clock)
        try h.credential("ding", ding.url("/robot/send?access_token=tok"))
        try h.credential("ding.secret", "SECgood")
        let feishu = try await Platform.feishu(hook: "hook-1", secret: "fs-secret", clock: h.clock)
        try h.credential("fs", feishu.url("/open-apis/bot/v2/hook/hook-1"))
        try h.credential("fs.secret", "fs-secret")
        let wecom = try await Platform.wecom(key: "k", clock: h.clock)
        try h.credential("wc", wecom.url("/cgi-bin/webhook/send?key=k"))
        let slack = try await Platform.slack(path: "/services/T1/B1/X1", clock: h.clock)
        try h.credential("sl", slack.url("/services/T1/B1/X1"))
        let teams = try await Platform.teams(path: "/workflows/run", clock: h.clock)
        try h.credential("tm", teams.url("/workflows/run"))
        let ids = try await enqueue(h.store, [payload(kind: "obligation.opened", title: title, stage: nil)])
        let receivers =
            "[\(standardReceiver("std", standard)), "
            + ["ding": "dingtalk", "fs": "feishu", "wc": "wecom", "sl": "slack", "tm": "teams"]
            .map { #"{"name": "\#($0.key)", "format": "\#($0.value)"}"# }.joined(separator: ", ") + "]"
        let d = try h.start(receivers: receivers)
        try await eventually("delivered to all six") {
            let all = try await deliveries(h.store)
            return all.count == 6 && all.allSatisfy { $0.status != .pending }
        }
        for r in try await deliveries(h.store) {
            #expect(r.status == .delivered && r.attempts == 1, "\(r.receiver): \(r.status) \(r.lastError ?? "")")
        }

        let dingText = try #require((ding.requests.last?.json?["markdown"] as? [String: Any])?["text"] as? String)
        let card = try #require(feishu.requests.last?.json?["card"] as? [String: Any])
        let larkMarkdown = try #require((((card["elements"] as? [[String: Any]])?.first)?["text"] as? [String: Any])?["content"] as? String)
        let wecomText = try #require((wecom.requests.last?.json?["markdown"] as? [String: Any])?["content"] as? String)
        let slackBody = try #require(slack.requests.last?.json)
        let slackMarkdown = ((slackBody["blocks"] as? [[String: Any]]) ?? []).filter { $0["type"] as? String != "header" }
            .compactMap { ($0["text"] as? [String: Any])?["text"] as? String }
        let teamsCard = try #require(((teams.requests.last?.json?["attachments"] as? [[String: Any]])?.first)?["content"] as? [String: Any])
        let teamsText = "\(teamsCard["body"] ?? "")"

        // Slack: no channel ping or user mention in the fallback text or in mrkdwn.
        for text in [slackBody["text"] as? String ?? ""] + slackMarkdown {
            #expect(!text.contains("<!channel>") && !text.contains("<@U024BE7LH>"), "\(text.prefix(200))")
            #expect(text.contains("&lt;!channel&gt;") || !text.contains("channel"), "shown as typed: \(text.prefix(200))")
        }
        // Feishu: no <at> tag, no link.
        #expect(!larkMarkdown.contains("<at") && !larkMarkdown.contains("[click]("), "\(larkMarkdown.prefix(300))")
        // WeCom: no <@userid> mention, no injected <font>, no link; its markup still balanced.
        #expect(!wecomText.contains("<@") && !wecomText.contains(#"<font color="warning">red"#) && !wecomText.contains("[click]("))
        #expect(wecomText.components(separatedBy: "<font").count == wecomText.components(separatedBy: "</font>").count)
        // DingTalk: no link, no <font>, no heading of the user's making.
        #expect(
            !dingText.contains("[click](") && !dingText.contains("<font") && !dingText.contains("\n# heading"), "\(dingText.prefix(300))")
        // Teams: no link.
        #expect(!teamsText.contains("[click]("))
        // Every body within its platform's limit (the servers enforce them too).
        #expect(ding.requests.allSatisfy { $0.body.count <= 20_000 })
        #expect(feishu.requests.allSatisfy { $0.body.count <= 20_000 })
        #expect(teams.requests.allSatisfy { $0.body.count <= 24_000 })
        #expect(ids.count == 1)
        await d.stop()
        for s in [standard, ding, feishu, wecom, slack, teams] { await s.stop() }
    }

    @Test func escapesAreExactlyThePlatformsOwn() {
        #expect(Markup.slack("a & <!here> > b") == "a &amp; &lt;!here&gt; &gt; b")
        #expect(Markup.larkMarkdown("<at id=all></at> *x*") == "&#60;at id=all&#62;&#60;/at&#62; &#42;x&#42;")
        #expect(Markup.plainMarkdown("<@u1> [a](b) *c*\n# d `e`") == "＜@u1＞ ［a］(b) ＊c＊ ＃ d `e`")
        let long = RenderedMessage(
            language: .en, severity: .info, title: String(repeating: "x", count: 10_000), summary: "s",
            facts: [.init(label: "What", value: String(repeating: "y", count: 10_000))], note: nil)
        let body = try? Markup.fit(long, maxBytes: 5_000) { r in Data((r.title + r.facts[0].value).utf8) }
        #expect((body?.count ?? .max) <= 5_000)
    }
}
