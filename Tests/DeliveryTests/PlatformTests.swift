import Foundation
import TestSupport
import Testing

@testable import Delivery

/// End to end per format: the dispatcher against a real HTTP server on 127.0.0.1 that checks the
/// platform's signature and answers as the platform does.
@Suite(.serialized) struct PlatformTests {
    @Test func standardSignsEveryAttemptAndKeepsTheWebhookId() async throws {
        let h = try await Harness()
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let (server, accepted) = try await Platform.standard(secret: secret, clock: h.clock) { n, _ in
            n == 0 ? .respond(status: 503, body: "maintenance") : nil
        }
        try h.credential("hooks.secret", secret)
        let ids = try await enqueue(h.store, [payload(stage: "due")])
        let d = try h.start(receivers: #"[{"name": "hooks", "format": "standard", "url": "\#(server.url("/obligd"))"}]"#)
        try await eventually("first attempt failed") { try await delivery(h.store, ids[0], "hooks")?.attempts == 1 }
        let first = try #require(try await delivery(h.store, ids[0], "hooks"))
        #expect(first.status == .pending)
        #expect(first.lastError == "HTTP 503: maintenance")
        #expect(first.lastHTTPStatus == 503)
        // Backoff after one failure with jitter 0.5: 10 s ceiling, half fixed plus half of the rest.
        #expect(first.nextAttemptAt == first.lastAttemptAt! + 7_500)
        h.clock.advance(to: first.nextAttemptAt)
        try await eventually("delivered") { try await delivery(h.store, ids[0], "hooks")?.status == .delivered }
        let done = try #require(try await delivery(h.store, ids[0], "hooks"))
        #expect(done.attempts == 2)
        #expect(done.deliveredAt == first.nextAttemptAt)
        #expect(done.lastHTTPStatus == 204)
        let reqs = server.requests
        #expect(reqs.count == 2)
        #expect(reqs.map { $0.headers["webhook-id"] } == [ids[0], ids[0]], "the same webhook-id on every retry")
        #expect(reqs[0].headers["webhook-timestamp"] != reqs[1].headers["webhook-timestamp"], "signed at send time")
        #expect(accepted.all == [ids[0]])
        await d.stop()
        await server.stop()
    }

    @Test func dingtalkChecksTheSignatureAndItsErrcodesDecide() async throws {
        let h = try await Harness()
        let server = try await Platform.dingtalk(token: "tok", secret: "SECgood", clock: h.clock) { n in
            n == 0 ? .respond(status: 200, body: #"{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"#) : nil
        }
        let url = server.url("/robot/send?access_token=tok")
        try h.credential("ding", url)
        try h.credential("ding.secret", "SECgood")
        try h.credential("ding-bad", url)
        try h.credential("ding-bad.secret", "SECwrong")
        let ids = try await enqueue(h.store, [payload(stage: "overdue:1")])
        let d = try h.start(receivers: #"[{"name": "ding", "format": "dingtalk"}, {"name": "ding-bad", "format": "dingtalk"}]"#)

        // A wrong secret is the receiver's configuration, not the message: paused, not dead-lettered.
        try await eventually("wrong secret pauses the receiver") { try await h.pause("ding-bad") != nil }
        let bad = try #require(try await delivery(h.store, ids[0], "ding-bad"))
        #expect(bad.status == .pending && bad.attempts == 0, "the message keeps its place and its retry budget")
        #expect(bad.lastError?.hasPrefix("errcode 310000 sign not match") == true)
        #expect(try await h.audit("delivery.dead").isEmpty)
        #expect(try await h.audit("receiver.paused").map(\.note) == [bad.lastError!])
        try await eventually("journal says delivery is failing") {
            d.journal.all.contains {
                $0.contains("MESSAGE_ID=\(MessageClass.deliveryFailing.messageID)") && $0.contains("OBLIGD_RECEIVER=ding-bad")
            }
        }

        try await eventually("rate-limited once") { try await delivery(h.store, ids[0], "ding")?.attempts == 1 }
        let limited = try #require(try await delivery(h.store, ids[0], "ding"))
        #expect(limited.status == .pending)
        #expect(limited.lastError == "errcode 130101 send too fast, exceed 20 times per minute")
        #expect(limited.nextAttemptAt == limited.lastAttemptAt! + 600_000, "DingTalk throttles a robot for 10 minutes")
        h.clock.advance(to: limited.nextAttemptAt)
        // Then the healthy receiver is told that ding-bad is failing (a burst of 2: no wait).
        try await eventually("the reminder and the notice about ding-bad delivered to ding") {
            let ding = try await deliveries(h.store, receiver: "ding")
            return ding.allSatisfy { $0.status == .delivered } && ding.count == 2
        }
        let good = server.requests.filter {
            Verify.dingtalk(timestamp: $0.query["timestamp"], sign: $0.query["sign"], secret: "SECgood", nowMillis: h.clock.now())
        }
        #expect(good.count == 3, "throttled, delivered, the notice")
        let text = try #require((good[1].json?["markdown"] as? [String: Any])?["text"] as? String)
        #expect(text.contains("已逾期"), "a dingtalk receiver defaults to zh-CN: \(text)")
        let notice = try #require((good[2].json?["markdown"] as? [String: Any])?["text"] as? String)
        #expect(notice.contains("ding-bad") && notice.contains("310000"), "\(notice)")
        #expect(try await deliveries(h.store, receiver: "ding-bad").count == 1, "the notice never goes to the failing receiver")
        await d.stop()
        await server.stop()
    }

    @Test func feishuChecksTheBodySignature() async throws {
        let h = try await Harness()
        let server = try await Platform.feishu(hook: "hook-1", secret: "fs-secret", clock: h.clock) { n in
            n == 0
                ? .respond(status: 200, body: #"{"code":11232,"msg":"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]"}"#)
                : nil
        }
        let url = server.url("/open-apis/bot/v2/hook/hook-1")
        try h.credential("fs", url)
        try h.credential("fs.secret", "fs-secret")
        try h.credential("fs-bad", url)
        try h.credential("fs-bad.secret", "other")
        let ids = try await enqueue(h.store, [payload(kind: "obligation.opened", stage: nil)])
        let d = try h.start(receivers: #"[{"name": "fs", "format": "feishu", "language": "en"}, {"name": "fs-bad", "format": "feishu"}]"#)
        try await eventually("bad signature pauses") { try await h.pause("fs-bad") != nil }
        #expect(try await delivery(h.store, ids[0], "fs-bad")?.status == .pending)
        #expect(try await delivery(h.store, ids[0], "fs-bad")?.lastError?.hasPrefix("code 19021 sign match fail") == true)
        try await eventually("throttled once") { try await delivery(h.store, ids[0], "fs")?.attempts == 1 }
        let throttled = try #require(try await delivery(h.store, ids[0], "fs"))
        #expect(throttled.nextAttemptAt == throttled.lastAttemptAt! + 60_000)
        h.clock.advance(to: throttled.nextAttemptAt)
        try await eventually("delivered") { try await delivery(h.store, ids[0], "fs")?.status == .delivered }
        // Signed with fs's secret: the throttled try, the delivery, then the notice that fs-bad is paused.
        let signed = server.requests.filter {
            Verify.feishu(
                timestamp: $0.json?["timestamp"] as? String, sign: $0.json?["sign"] as? String, secret: "fs-secret",
                nowSeconds: h.clock.now() / 1000)
        }
        let card = try #require(signed.dropFirst().first?.json?["card"] as? [String: Any])
        let title = ((card["header"] as? [String: Any])?["title"] as? [String: Any])?["content"] as? String
        #expect(title == "New obligation for Acme Data Ltd: Report the PI protection officer")
        await d.stop()
        await server.stop()
    }

    @Test func wecomChecksTheKey() async throws {
        let h = try await Harness()
        let server = try await Platform.wecom(key: "k-123", clock: h.clock) { n in
            n == 0 ? .respond(status: 200, body: #"{"errcode":45009,"errmsg":"api freq out of limit"}"#) : nil
        }
        try h.credential("wc", server.url("/cgi-bin/webhook/send?key=k-123"))
        try h.credential("wc-bad", server.url("/cgi-bin/webhook/send?key=wrong"))
        let ids = try await enqueue(h.store, [payload(stage: "before:-30d")])
        let d = try h.start(receivers: #"[{"name": "wc", "format": "wecom"}, {"name": "wc-bad", "format": "wecom"}]"#)
        try await eventually("wrong key pauses") { try await h.pause("wc-bad") != nil }
        #expect(try await delivery(h.store, ids[0], "wc-bad")?.lastError?.hasPrefix("errcode 93000 invalid webhook url") == true)
        try await eventually("rate limited once") { try await delivery(h.store, ids[0], "wc")?.attempts == 1 }
        let limited = try #require(try await delivery(h.store, ids[0], "wc"))
        #expect(limited.nextAttemptAt == limited.lastAttemptAt! + 60_000)
        h.clock.advance(to: limited.nextAttemptAt)
        try await eventually("delivered") { try await delivery(h.store, ids[0], "wc")?.status == .delivered }
        await d.stop()
        await server.stop()
    }

    @Test func slackHonoursRetryAfterAndNeedsOk() async throws {
        let h = try await Harness()
        let server = try await Platform.slack(path: "/services/T1/B1/X1", clock: h.clock) { n in
            n == 0 ? .respond(status: 429, headers: ["Retry-After": "42"], body: "rate_limited") : nil
        }
        try h.credential("sl", server.url("/services/T1/B1/X1"))
        try h.credential("sl-gone", server.url("/services/T1/B1/REVOKED"))
        let ids = try await enqueue(h.store, [payload(stage: "due")])
        let d = try h.start(receivers: #"[{"name": "sl", "format": "slack"}, {"name": "sl-gone", "format": "slack"}]"#)
        try await eventually("revoked webhook paused") { try await h.pause("sl-gone") != nil }
        #expect(
            try await delivery(h.store, ids[0], "sl-gone")?.lastError == "HTTP 404: no_service (check the receiver's URL and credentials)")
        #expect(try await delivery(h.store, ids[0], "sl-gone")?.status == .pending)
        try await eventually("429 once") { try await delivery(h.store, ids[0], "sl")?.attempts == 1 }
        let limited = try #require(try await delivery(h.store, ids[0], "sl"))
        #expect(limited.lastHTTPStatus == 429)
        #expect(limited.nextAttemptAt == limited.lastAttemptAt! + 42_000, "Retry-After: 42")
        h.clock.advance(by: 41_000)
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await delivery(h.store, ids[0], "sl")?.attempts == 1, "not before Retry-After")
        h.clock.advance(to: limited.nextAttemptAt)
        try await eventually("delivered") { try await delivery(h.store, ids[0], "sl")?.status == .delivered }
        // The request that was rate-limited, then the one delivered (then the notice that sl-gone is paused).
        let fallback = try #require(server.requests.filter { $0.path == "/services/T1/B1/X1" }.dropFirst().first?.json?["text"] as? String)
        #expect(
            fallback.hasPrefix("Acme Data Ltd: Report the PI protection officer is due 2025-10-10 (Friday), "),
            "the text fallback is the summary: \(fallback)")
        await d.stop()
        await server.stop()
    }

    @Test func teamsAcceptsWith202AndRetries500() async throws {
        let h = try await Harness()
        let server = try await Platform.teams(path: "/workflows/abc/triggers/manual/paths/invoke", clock: h.clock) { n in
            n == 0 ? .respond(status: 500, body: #"{"error":{"code":"InternalServerError"}}"#) : nil
        }
        try h.credential("teams", server.url("/workflows/abc/triggers/manual/paths/invoke"))
        let ids = try await enqueue(h.store, [payload(kind: "obligation.waived", stage: nil)])
        let d = try h.start(receivers: #"[{"name": "teams", "format": "teams"}]"#)
        try await eventually("500 once") { try await delivery(h.store, ids[0], "teams")?.attempts == 1 }
        let failed = try #require(try await delivery(h.store, ids[0], "teams"))
        #expect(failed.status == .pending)
        h.clock.advance(to: failed.nextAttemptAt)
        try await eventually("delivered") { try await delivery(h.store, ids[0], "teams")?.status == .delivered }
        #expect(try await delivery(h.store, ids[0], "teams")?.lastHTTPStatus == 202)
        await d.stop()
        await server.stop()
    }
}
