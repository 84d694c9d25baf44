import Foundation
import Synchronization
import TestSupport

/// Test servers that answer like each platform does, checking what the platform checks (token in the
/// URL, signature, timestamp window) before a scripted `override` may replace the success answer of the
/// n-th correctly signed request (to play rate limits, outages and timeouts).
/// The webhook-ids a receiver processed, each once (Standard Webhooks receivers deduplicate).
final class Accepted: Sendable {
    let ids = Mutex<[String]>([])
    var all: [String] { ids.withLock { $0 } }
}

enum Platform {
    typealias Override = @Sendable (_ valid: Int) -> Answer?

    /// `override` also gets the webhook-id.
    static func standard(
        secret: String, clock: ManualClock,
        override: @escaping @Sendable (_ valid: Int, _ webhookId: String) -> Answer? = { _, _ in nil }
    ) async throws -> (TestServer, Accepted) {
        let accepted = Accepted()
        let valid = Mutex(0)
        let server = try await TestServer.start(now: { clock.now() }) { req, _ in
            if let problem = Verify.standard(
                id: req.headers["webhook-id"], timestamp: req.headers["webhook-timestamp"],
                signatureHeader: req.headers["webhook-signature"], body: req.body, secret: secret,
                now: clock.now() / 1000)
            {
                return .respond(status: 401, body: problem)
            }
            let n = valid.withLock { v -> Int in
                v += 1
                return v - 1
            }
            if let a = override(n, req.headers["webhook-id"]!) { return a }
            // Receivers deduplicate on webhook-id: a repeat is acknowledged but not processed again.
            let id = req.headers["webhook-id"]!
            accepted.ids.withLock { if !$0.contains(id) { $0.append(id) } }
            return .respond(status: 204, body: "")
        }
        return (server, accepted)
    }

    static func dingtalk(
        token: String, secret: String, clock: ManualClock, override: @escaping Override = { _ in nil }
    ) async throws -> TestServer {
        let valid = Mutex(0)
        return try await TestServer.start(now: { clock.now() }) { req, _ in
            guard req.query["access_token"] == token else {
                return .respond(status: 200, body: #"{"errcode":300001,"errmsg":"token is not exist"}"#)
            }
            guard Verify.dingtalk(timestamp: req.query["timestamp"], sign: req.query["sign"], secret: secret, nowMillis: clock.now()) else {
                return .respond(
                    status: 200,
                    body: #"{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}"#)
            }
            guard req.body.count <= 20_000 else {
                return .respond(status: 200, body: #"{"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"}"#)
            }
            guard let json = req.json, json["msgtype"] as? String == "markdown",
                let md = json["markdown"] as? [String: Any], md["title"] is String, md["text"] is String
            else {
                return .respond(status: 200, body: #"{"errcode":40035,"errmsg":"缺少参数 json"}"#)
            }
            let n = valid.withLock { v -> Int in
                v += 1
                return v - 1
            }
            return override(n) ?? .respond(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#)
        }
    }

    static func feishu(
        hook: String, secret: String, clock: ManualClock, override: @escaping Override = { _ in nil }
    ) async throws -> TestServer {
        let valid = Mutex(0)
        return try await TestServer.start(now: { clock.now() }) { req, _ in
            guard req.path == "/open-apis/bot/v2/hook/\(hook)" else {
                return .respond(status: 404, body: #"{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}"#)
            }
            guard let json = req.json,
                Verify.feishu(
                    timestamp: json["timestamp"] as? String, sign: json["sign"] as? String, secret: secret,
                    nowSeconds: clock.now() / 1000)
            else {
                return .respond(
                    status: 200,
                    body: #"{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}"#)
            }
            guard json["msg_type"] as? String == "interactive", json["card"] is [String: Any], req.body.count <= 20_000 else {
                return .respond(status: 200, body: #"{"code":9499,"msg":"Bad Request"}"#)
            }
            let n = valid.withLock { v -> Int in
                v += 1
                return v - 1
            }
            return override(n)
                ?? .respond(status: 200, body: #"{"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"}"#)
        }
    }

    static func wecom(key: String, clock: ManualClock, override: @escaping Override = { _ in nil }) async throws -> TestServer {
        let valid = Mutex(0)
        return try await TestServer.start(now: { clock.now() }) { req, _ in
            guard req.path == "/cgi-bin/webhook/send", req.query["key"] == key else {
                return .respond(status: 200, body: #"{"errcode":93000,"errmsg":"invalid webhook url, hint: [test]"}"#)
            }
            guard let json = req.json, json["msgtype"] as? String == "markdown",
                let content = (json["markdown"] as? [String: Any])?["content"] as? String, content.utf8.count <= 4096
            else {
                return .respond(status: 200, body: #"{"errcode":40058,"errmsg":"markdown.content exceed max length 4096"}"#)
            }
            let n = valid.withLock { v -> Int in
                v += 1
                return v - 1
            }
            return override(n) ?? .respond(status: 200, body: #"{"errcode":0,"errmsg":"ok"}"#)
        }
    }

    static func slack(path: String, clock: ManualClock, override: @escaping Override = { _ in nil }) async throws -> TestServer {
        let valid = Mutex(0)
        return try await TestServer.start(now: { clock.now() }) { req, _ in
            guard req.path == path else { return .respond(status: 404, body: "no_service") }
            guard let json = req.json, json["text"] is String, let blocks = json["blocks"] as? [[String: Any]], !blocks.isEmpty else {
                return .respond(status: 400, body: "invalid_payload")
            }
            // Block Kit limits: a header's text 150 characters, a section's or context element's 3,000.
            for block in blocks {
                let texts =
                    [(block["text"] as? [String: Any])?["text"] as? String]
                    + ((block["elements"] as? [[String: Any]]) ?? []).map { $0["text"] as? String }
                let limit = block["type"] as? String == "header" ? 150 : 3000
                if texts.contains(where: { ($0?.count ?? 0) > limit }) { return .respond(status: 400, body: "invalid_blocks") }
            }
            let n = valid.withLock { v -> Int in
                v += 1
                return v - 1
            }
            return override(n) ?? .respond(status: 200, body: "ok")
        }
    }

    static func teams(path: String, clock: ManualClock, override: @escaping Override = { _ in nil }) async throws -> TestServer {
        let valid = Mutex(0)
        return try await TestServer.start(now: { clock.now() }) { req, _ in
            guard req.path == path else { return .respond(status: 404, body: #"{"error":{"code":"TriggerNotFound"}}"#) }
            guard let json = req.json, json["type"] as? String == "message",
                let att = (json["attachments"] as? [[String: Any]])?.first,
                att["contentType"] as? String == "application/vnd.microsoft.card.adaptive",
                (att["content"] as? [String: Any])?["type"] as? String == "AdaptiveCard"
            else {
                return .respond(status: 400, body: #"{"error":{"code":"InvalidRequestContent"}}"#)
            }
            guard req.body.count <= 28 * 1024 else {
                return .respond(status: 413, body: #"{"error":{"code":"MessageSizeTooBig","message":"Request Entity too large"}}"#)
            }
            let n = valid.withLock { v -> Int in
                v += 1
                return v - 1
            }
            return override(n) ?? .respond(status: 202, body: "")
        }
    }
}
