import Foundation
import Testing

@testable import Delivery

/// Request building and answer reading of each format, without a network.
@Suite struct FormatTests {
    let message: OutgoingMessage = {
        let n = try! Delivery.Notification(
            id: "5f0c6a53-0000-4000-8000-000000000001", createdAt: 1_759_000_000, payload: payload(stage: "overdue:1"))
        let r = RenderedMessage(
            language: .en, severity: .error, title: "Overdue: report for Acme", summary: "Acme: report is overdue",
            facts: [.init(label: "Due", value: "2025-10-10 (Friday)"), .init(label: "A&B", value: "<x>")], note: "Provisional.")
        return OutgoingMessage(notification: n, rendered: r)
    }()
    let now: Int64 = 1_760_000_123_456

    func json(_ r: WebhookRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: r.body) as? [String: Any])
    }

    @Test func standardSignsIdTimestampAndBody() throws {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let req = try StandardFormat(url: Secret("https://x.test/hook"), secret: Secret(secret)).request(for: message, now: now)
        #expect(req.header("webhook-id") == message.webhookId)
        #expect(req.header("webhook-timestamp") == "1760000123")
        #expect(
            Verify.standard(
                id: req.header("webhook-id"), timestamp: req.header("webhook-timestamp"), signatureHeader: req.header("webhook-signature"),
                body: req.body, secret: secret, now: 1_760_000_123) == nil)
        let body = try json(req)
        #expect(body["type"] as? String == "reminder")
        #expect(body["timestamp"] as? String == "2025-09-27T19:06:40Z")
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["stage"] as? String == "overdue:1")
        #expect((data["message"] as? [String: Any])?["title"] as? String == "Overdue: report for Acme")
        // Tampering breaks it.
        #expect(
            Verify.standard(
                id: req.header("webhook-id"), timestamp: req.header("webhook-timestamp"), signatureHeader: req.header("webhook-signature"),
                body: req.body + Data(" ".utf8), secret: secret, now: 1_760_000_123) != nil)
    }

    @Test func dingtalkSignsTheURLAndSendsMarkdown() throws {
        let req = try DingTalkFormat(url: Secret("https://oapi.dingtalk.com/robot/send?access_token=tok"), secret: Secret("SECabc"))
            .request(for: message, now: now)
        let comps = try #require(URLComponents(string: req.url))
        let q = Dictionary(uniqueKeysWithValues: (comps.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(q["access_token"] == "tok")
        #expect(q["timestamp"] == String(now))
        #expect(Verify.dingtalk(timestamp: q["timestamp"], sign: q["sign"], secret: "SECabc", nowMillis: now))
        let rawSign = try #require(req.url.components(separatedBy: "sign=").last)
        #expect(
            !rawSign.contains("+") && !rawSign.contains("/") && !rawSign.contains("="), "the base64 sign is percent-encoded: \(rawSign)")
        let body = try json(req)
        #expect(body["msgtype"] as? String == "markdown")
        let md = try #require(body["markdown"] as? [String: Any])
        #expect(md["title"] as? String == "Overdue: report for Acme")
        #expect((md["text"] as? String)?.contains("- **Due**: 2025-10-10 (Friday)") == true)
        let unsigned = try DingTalkFormat(url: Secret("https://oapi.dingtalk.com/robot/send?access_token=tok"), secret: nil).request(
            for: message, now: now)
        #expect(unsigned.url == "https://oapi.dingtalk.com/robot/send?access_token=tok")
    }

    @Test func feishuSignsInTheBody() throws {
        let req = try FeishuFormat(url: Secret("https://open.feishu.cn/open-apis/bot/v2/hook/h"), secret: Secret("s3cret")).request(
            for: message, now: now)
        let body = try json(req)
        #expect(body["timestamp"] as? String == "1760000123")
        #expect(
            Verify.feishu(
                timestamp: body["timestamp"] as? String, sign: body["sign"] as? String, secret: "s3cret", nowSeconds: 1_760_000_123))
        #expect(body["msg_type"] as? String == "interactive")
        let card = try #require(body["card"] as? [String: Any])
        #expect(((card["header"] as? [String: Any])?["template"] as? String) == "red")
    }

    @Test func wecomMarkdownStaysUnder4096Bytes() throws {
        var long = message
        long.rendered.facts = Array(repeating: .init(label: "事项", value: String(repeating: "很长的说明", count: 40)), count: 20)
        let req = try WeComFormat(url: Secret("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")).request(for: long, now: now)
        let content = try #require((try json(req)["markdown"] as? [String: Any])?["content"] as? String)
        #expect(content.utf8.count <= 4096)
        #expect(content.contains("…</font>"), "fields are cut, not the markup: every <font> stays closed")
        #expect(content.components(separatedBy: "<font").count == content.components(separatedBy: "</font>").count)
        #expect(content.hasPrefix("**<font color=\"warning\">Overdue: report for Acme</font>**"))
    }

    @Test func slackHasBlocksAndTextAndEscapes() throws {
        let body = try json(try SlackFormat(url: Secret("https://hooks.slack.com/services/T/B/X")).request(for: message, now: now))
        #expect(body["text"] as? String == "Acme: report is overdue")
        let blocks = try #require(body["blocks"] as? [[String: Any]])
        #expect(blocks.map { $0["type"] as? String } == ["header", "section", "context"])
        let section = try #require((blocks[1]["text"] as? [String: Any])?["text"] as? String)
        #expect(section.contains("*A&amp;B*: &lt;x&gt;"))
    }

    @Test func teamsWrapsAnAdaptiveCard() throws {
        let body = try json(
            try TeamsFormat(url: Secret("https://prod.westeurope.logic.azure.com/workflows/x")).request(for: message, now: now))
        #expect(body["type"] as? String == "message")
        let att = try #require((body["attachments"] as? [[String: Any]])?.first)
        #expect(att["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(att["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard")
        let facts = try #require(
            (card["body"] as? [[String: Any]])?.first { $0["type"] as? String == "FactSet" }?["facts"] as? [[String: String]])
        #expect(facts.first == ["title": "Due", "value": "2025-10-10 (Friday)"])
    }

    func answer(_ status: Int, _ body: String, _ headers: [String: String] = [:]) -> WebhookResponse {
        WebhookResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    @Test func answersAreReadAsEachPlatformMeansThem() {
        let std = StandardFormat(url: Secret("https://x"), secret: Secret("whsec_AA=="))
        #expect(std.interpret(answer(204, "")) == .delivered)
        #expect(std.interpret(answer(500, "boom")) == .retry(after: nil, reason: "HTTP 500: boom"))
        #expect(std.interpret(answer(429, "", ["Retry-After": "30"])) == .retry(after: .seconds(30), reason: "HTTP 429 rate limited"))
        #expect(std.interpret(answer(400, "bad")) == .failed(reason: "HTTP 400: bad"))
        if case .pause = std.interpret(answer(410, "")) {} else { Issue.record("410 pauses the receiver") }
        for status in [401, 403, 404] {
            if case .pause = std.interpret(answer(status, "")) {} else { Issue.record("\(status) pauses the receiver") }
        }
        #expect(std.interpret(answer(413, "too big")) == .failed(reason: "HTTP 413: too big"))

        let ding = DingTalkFormat(url: Secret("https://x"), secret: nil)
        #expect(ding.interpret(answer(200, #"{"errcode":0,"errmsg":"ok"}"#)) == .delivered)
        #expect(
            ding.interpret(answer(200, #"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#))
                == .retry(after: .seconds(600), reason: "errcode 130101 send too fast, exceed 20 times per minute"))
        if case .pause = ding.interpret(answer(200, #"{"errcode":310000,"errmsg":"sign not match"}"#)) {
        } else {
            Issue.record("310000 pauses")
        }
        if case .pause = ding.interpret(answer(200, #"{"errcode":300001,"errmsg":"token is not exist"}"#)) {
        } else {
            Issue.record("300001 pauses")
        }
        #expect(
            ding.interpret(answer(200, #"{"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"}"#))
                == .failed(reason: "errcode 460101 message too long, exceed 20000 bytes"))
        #expect(
            ding.interpret(answer(200, #"{"errcode":410100,"errmsg":"发送速度太快而限流"}"#))
                == .retry(after: .seconds(600), reason: "errcode 410100 发送速度太快而限流"))
        if case .retry = ding.interpret(answer(200, "<html>")) {} else { Issue.record("an unreadable 200 is not success") }

        let feishu = FeishuFormat(url: Secret("https://x"), secret: nil)
        #expect(feishu.interpret(answer(200, #"{"code":0,"msg":"success","data":{}}"#)) == .delivered)
        #expect(feishu.interpret(answer(200, #"{"StatusCode":0,"StatusMessage":"success"}"#)) == .delivered)
        #expect(
            feishu.interpret(answer(200, #"{"code":11232,"msg":"frequency limited"}"#))
                == .retry(after: .seconds(60), reason: "code 11232 frequency limited"))
        if case .pause = feishu.interpret(
            answer(200, #"{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}"#))
        {
        } else {
            Issue.record("19021 pauses")
        }
        if case .pause = feishu.interpret(answer(200, #"{"code":19024,"msg":"Key Words Not Found"}"#)) {
        } else {
            Issue.record("19024 pauses")
        }
        #expect(feishu.interpret(answer(200, #"{"code":9499,"msg":"Bad Request"}"#)) == .failed(reason: "code 9499 Bad Request"))

        let wecom = WeComFormat(url: Secret("https://x"))
        #expect(wecom.interpret(answer(200, #"{"errcode":0,"errmsg":"ok"}"#)) == .delivered)
        #expect(
            wecom.interpret(answer(200, #"{"errcode":45009,"errmsg":"api freq out of limit"}"#))
                == .retry(after: .seconds(60), reason: "errcode 45009 api freq out of limit"))
        if case .pause = wecom.interpret(answer(200, #"{"errcode":93000,"errmsg":"invalid webhook url"}"#)) {
        } else {
            Issue.record("93000 pauses")
        }
        #expect(
            wecom.interpret(answer(200, #"{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}"#))
                == .failed(reason: "errcode 40058 markdown.content exceed max length 4096"))

        let slack = SlackFormat(url: Secret("https://x"))
        #expect(slack.interpret(answer(200, "ok")) == .delivered)
        #expect(
            slack.interpret(answer(429, "rate_limited", ["Retry-After": "7"]))
                == .retry(after: .seconds(7), reason: "HTTP 429 rate limited: rate_limited"))
        if case .pause = slack.interpret(answer(404, "no_service")) {} else { Issue.record("no_service pauses") }
        if case .pause = slack.interpret(answer(400, "user_not_found")) {} else { Issue.record("user_not_found pauses") }
        #expect(slack.interpret(answer(400, "invalid_payload")) == .failed(reason: "HTTP 400: invalid_payload"))
        if case .failed = slack.interpret(answer(200, "not ok")) {} else { Issue.record("Slack success is the body ok") }

        let teams = TeamsFormat(url: Secret("https://x"))
        #expect(teams.interpret(answer(202, "")) == .delivered)
        #expect(teams.interpret(answer(503, "")) == .retry(after: nil, reason: "HTTP 503"))
    }

    @Test func retryAfterAcceptsAnHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_760_000_000)
        let r = WebhookResponse(status: 429, headers: ["Retry-After": "Thu, 09 Oct 2025 08:54:20 GMT"])
        #expect(HTTPSemantics.retryAfter(r, now: now) == .seconds(1_760_000_060 - 1_760_000_000))
    }

    @Test func backoffDoublesWithEqualJitterUpToTheCap() {
        let b = Backoff(initial: .seconds(5), max: .seconds(60))
        #expect(b.ceiling(afterFailures: 1) == 5000)
        #expect(b.ceiling(afterFailures: 2) == 10000)
        #expect(b.ceiling(afterFailures: 4) == 40000)
        #expect(b.ceiling(afterFailures: 5) == 60000)
        #expect(b.ceiling(afterFailures: 500) == 60000)
        #expect(b.delay(afterFailures: 3, unit: 0) == 10000)
        #expect(b.delay(afterFailures: 3, unit: 0.999) == 19990)
        #expect(b.delay(afterFailures: 3, unit: 0.5) == 15000)
    }

    @Test func tokenBucketKeepsEverySixtySecondWindowWithinTheLimit() {
        let limit = RateLimit(perMinute: 20, burst: 4)
        var bucket = TokenBucket(limit, now: 0)
        var sent: [Int64] = []
        var t: Int64 = 0
        while t < 600_000 {
            if bucket.take(now: t) { sent.append(t) } else { t = bucket.nextTokenAt(now: t) }
        }
        for start in sent {
            #expect(sent.filter { $0 >= start && $0 < start + 60_000 }.count <= 20)
        }
        #expect(sent.prefix(4) == [0, 0, 0, 0], "the burst goes at once")
        // Sustained: perMinute - burst = 16 a minute after the first burst.
        #expect((163...164).contains(sent.count), "the limit is used: \(sent.count) in 10 minutes")
    }
}
