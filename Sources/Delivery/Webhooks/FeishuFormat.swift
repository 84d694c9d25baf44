import Foundation

/// Feishu / Lark custom bot ("自定义机器人"): an interactive card, and with signature verification
/// ("签名校验") the body fields `timestamp` (Unix seconds, as a string) and `sign` = base64
/// HMAC-SHA256 keyed with "timestamp\nsecret" over an empty message. The answer's `code` 0 is success;
/// 11232 (frequency limited: 100 a minute, 5 a second per bot) is retried; 19021 (signature mismatch or
/// timestamp more than an hour off), 19022 (IP not allowed), 19024 (keyword not found) and 19001
/// (invalid webhook token) are configuration errors (the receiver is paused); 9499 (bad request, also
/// a body over 20 KB), 19002 (bad format) and 19036 (over the size limit) reject the message itself;
/// other codes are retried.
package struct FeishuFormat: WebhookFormat {
    let url: Secret
    let secret: Secret?

    /// A bot at `url` (with its hook token); `secret` when the bot has 签名校验 on.
    package init(url: Secret, secret: Secret?) {
        self.url = url
        self.secret = secret
    }

    static func template(_ s: Severity) -> String {
        switch s {
        case .error: "red"
        case .warning: "orange"
        case .notice: "blue"
        case .info: "grey"
        }
    }

    /// "请求体的数据大小不能超过 20 KB" (Feishu custom bot guide); 19036 rejects bodies over 30 KB.
    static let maxBodyBytes = 20_000

    static func card(_ r: RenderedMessage, mentions: [String] = []) -> [String: Any] {
        let e = Markup.larkMarkdown
        var content = r.facts.map { "**\(e($0.label))**: \(e($0.value))" }.joined(separator: "\n")
        if !mentions.isEmpty { content += "\n" + mentions.map { "<at id=\($0)></at>" }.joined(separator: " ") }
        var elements: [[String: Any]] = [
            [
                "tag": "div",
                "text": ["tag": "lark_md", "content": content]
            ]
        ]
        if let note = r.note {
            elements.append(["tag": "note", "elements": [["tag": "plain_text", "content": note]]])
        }
        if let link = r.link {
            elements.append([
                "tag": "action",
                "actions": [["tag": "button", "text": ["tag": "plain_text", "content": link.label], "type": "primary", "url": link.url]]
            ])
        }
        return [
            "config": ["wide_screen_mode": true],
            "header": ["title": ["tag": "plain_text", "content": r.title], "template": template(r.severity)],
            "elements": elements
        ]
    }

    /// An interactive card fitted under 20 KB; with a secret, `timestamp` and `sign` are in the body, made at send
    /// time.
    package func request(for m: OutgoingMessage, now: Int64) throws -> WebhookRequest {
        let body = try Markup.fit(m.rendered, maxBytes: Self.maxBodyBytes) { r in
            var object: [String: Any] = ["msg_type": "interactive", "card": Self.card(r, mentions: m.mentions)]
            if let secret {
                let ts = now / 1000
                object["timestamp"] = String(ts)
                object["sign"] = Signing.feishu(timestampSeconds: ts, secret: secret.exposedValue)
            }
            return try JSONBody.encode(object)
        }
        return WebhookRequest(url: url.exposedValue, headers: [("content-type", "application/json; charset=utf-8")], body: body)
    }

    /// Reads `code` (or `StatusCode`) from the body, as the type's comment lists; 429, 408 and 5xx are retried first.
    package func interpret(_ r: WebhookResponse) -> DeliveryVerdict {
        // Feishu may put its code in a 4xx answer too; the code decides when it is there.
        if r.status == 429 || r.status >= 500 || r.status == 408 { return HTTPSemantics.verdict(for: r)! }
        guard let json = HTTPSemantics.json(r), let code = HTTPSemantics.int(json["code"] ?? json["StatusCode"]) else {
            return HTTPSemantics.verdict(for: r) ?? .retry(after: nil, reason: "unexpected answer (no code)" + HTTPSemantics.detail(r))
        }
        let msg = ((json["msg"] ?? json["StatusMessage"]) as? String).map { " \($0)" } ?? ""
        switch code {
        case 0: return (200..<300).contains(r.status) ? .delivered : .failed(reason: "HTTP \(r.status) code 0\(msg)")
        case 11232: return .retry(after: .seconds(60), reason: "code 11232\(msg)")
        case 19021: return .pause(reason: "code 19021\(msg) (check the secret and the server clock)")
        case 19001, 19022, 19024: return .pause(reason: "code \(code)\(msg) (check the webhook URL, IP allow-list and keywords)")
        case 9499, 19002, 19036: return .failed(reason: "code \(code)\(msg)")
        default: return .retry(after: nil, reason: "code \(code)\(msg)")
        }
    }
}
