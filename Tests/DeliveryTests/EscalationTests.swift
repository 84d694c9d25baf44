import Foundation
import Store
import TestSupport
import Testing

@testable import Delivery

/// Escalation: a receiver whose route has `overdueFor` hears only of what is still open that long
/// after the deadline, and its reminders @mention the people obligd.json names, on each platform.
@Suite(.serialized) struct EscalationTests {
    @Test func anOverdueObligationEscalatesAfterADayWithMentions() async throws {
        let h = try await Harness(owner: "alice")
        try h.credential("hooks.secret", whsec)
        let (team, teamAccepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let ding = try await Platform.dingtalk(token: "tok", secret: "SECgood", clock: h.clock)
        try h.credential("mgmt", ding.url("/robot/send?access_token=tok"))
        try h.credential("mgmt.secret", "SECgood")
        let due: Int64 = 1_760_112_000
        let ids = try await enqueue(
            h.store,
            [
                payload(stage: "due", scheduledAt: due - 15 * 3600),
                payload(stage: "overdue:1", scheduledAt: due + 9 * 3600),
                payload(stage: "overdue:2", scheduledAt: due + 33 * 3600)
            ])
        let receivers = """
            [\(standardReceiver("team", team)),
             {"name": "mgmt", "format": "dingtalk", "routes": [{"overdueFor": "+1d"}], "mention": ["13800000000", "manager01"], "mentionOwner": true}]
            """
        let d = try RunningDispatcher(
            store: h.store,
            obligdJSON: """
                {"receivers": \(receivers), "delivery": {"digestSeconds": 0},
                 "people": {"alice": {"dingtalk": "13900000001", "slack": "U024BE7LH"}}}
                """, credentials: h.credentials, clock: h.clock)
        try await eventually("the team hears of all three") { teamAccepted.all == ids }
        try await eventually("the managers hear of the one a day late") { ding.requests.count == 1 }
        #expect(try await deliveries(h.store, receiver: "mgmt").map(\.outboxId) == [ids[2]])
        let body = try #require(ding.requests[0].json)
        let at = try #require(body["at"] as? [String: Any])
        #expect(at["atMobiles"] as? [String] == ["13800000000", "13900000001"], "the configured people and the entity's owner")
        #expect(at["atUserIds"] as? [String] == ["manager01"])
        let text = try #require((body["markdown"] as? [String: Any])?["text"] as? String)
        #expect(text.hasSuffix("@13800000000 @manager01 @13900000001"), "\(text)")
        // The team receiver configured no mentions: none.
        #expect(team.requests.allSatisfy { ($0.json?["data"] as? [String: Any])?["mentions"] == nil })
        await d.stop()
        await team.stop()
        await ding.stop()
    }

    @Test func eachPlatformMentionsItsWay() throws {
        let n = try Delivery.Notification(id: "m-1", createdAt: 1_760_000_000, payload: payload(stage: "overdue:2"))
        let r = RenderedMessage(
            language: .en, severity: .error, title: "Overdue", summary: "Overdue: report", facts: [.init(label: "What", value: "report")],
            note: nil)
        let m = OutgoingMessage(notification: n, rendered: r, mentions: ["ou_1a2b"])
        func json(_ f: any WebhookFormat) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: f.request(for: m, now: 1_760_000_000_000).body) as? [String: Any])
        }
        let feishu = try json(FeishuFormat(url: Secret("https://x"), secret: nil))
        #expect("\(feishu["card"] ?? "")".contains("<at id=ou_1a2b></at>"))
        let wecom = try json(WeComFormat(url: Secret("https://x")))
        #expect(((wecom["markdown"] as? [String: Any])?["content"] as? String)?.hasSuffix("<@ou_1a2b>") == true)
        // A long WeCom message keeps its mention and its markup within 4,096 bytes: the fields are cut.
        var long = m
        long.rendered.facts = Array(repeating: .init(label: "事项", value: String(repeating: "很长的说明", count: 60)), count: 10)
        let longContent = try #require(
            (try JSONSerialization.jsonObject(with: WeComFormat(url: Secret("https://x")).request(for: long, now: 0).body)
                as? [String: Any]).flatMap { ($0["markdown"] as? [String: Any])?["content"] as? String })
        #expect(longContent.utf8.count <= 4096 && longContent.hasSuffix("<@ou_1a2b>"))
        #expect(longContent.components(separatedBy: "<font").count == longContent.components(separatedBy: "</font>").count)
        let slack = try json(SlackFormat(url: Secret("https://x")))
        #expect((slack["text"] as? String)?.hasPrefix("<@ou_1a2b> ") == true, "the notification itself pings")
        let teams = try json(TeamsFormat(url: Secret("https://x")))
        let card = try #require(((teams["attachments"] as? [[String: Any]])?.first)?["content"] as? [String: Any])
        let entities = try #require((card["msteams"] as? [String: Any])?["entities"] as? [[String: Any]])
        #expect(entities.first?["text"] as? String == "<at>ou_1a2b</at>")
        #expect("\(card["body"] ?? "")".contains("<at>ou_1a2b</at>"))
    }

    @Test func mentionsAndEscalationsAreCheckedOnLoad() throws {
        let dir = try TempDir()
        let secret = try dir.write("a.secret", whsec)
        func error(_ json: String) -> String {
            let json = json.replacingOccurrences(of: #""url": "http://h/""#, with: #""url": "http://h/", "secretFile": "\#(secret)""#)
            do {
                _ = try DeliveryConfiguration.parse(
                    Data(json.utf8), file: "obligd.json", ruleIds: [], environment: ["CREDENTIALS_DIRECTORY": "/nonexistent"])
            } catch { return error.description }
            return "accepted"
        }
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "standard", "url": "http://h/", "mention": ["<at id=all></at>"]}]}"#)
                .contains("is not a user id or mobile number"))
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "standard", "url": "http://h/", "routes": [{"overdueFor": "-1d"}]}]}"#)
                .contains("overdueFor"))
        #expect(error(#"{"people": {"bob": {"slack": "U1 <!channel>"}}}"#).contains("is not a user id"))
        #expect(error(#"{"people": {"bob": {"icq": "1"}}}"#).contains("unknown key 'icq'"))
    }
}
