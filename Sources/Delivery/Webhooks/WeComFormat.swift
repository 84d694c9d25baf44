import Foundation

/// WeCom (企业微信) group robot: `msgtype: markdown` with `content` of at most 4096 bytes; the URL's `key`
/// is the credential and there is no signature. `errcode` 0 is success; 45009 (API frequency limit, 20
/// messages a minute per robot) is retried after a minute; 93000 (invalid webhook URL: a wrong key or a
/// removed robot), 93004 (robot disabled) and 93008 (robot not in the chat) pause the receiver; 40058
/// (a parameter too long or invalid) and 44004 (empty content) reject the message itself; other codes
/// (-1 "system busy") are retried.
package struct WeComFormat: WebhookFormat {
    let url: Secret

    /// A robot at `url`, whose `key` is the credential (WeCom has no signing).
    package init(url: Secret) { self.url = url }

    static let maxContentBytes = 4096

    /// WeCom markdown colours: `warning` (orange), `info` (green), `comment` (grey).
    static func colour(_ s: Severity) -> String {
        switch s {
        case .error, .warning: "warning"
        case .notice: "info"
        case .info: "comment"
        }
    }

    /// The markdown content, its fields shortened until it fits in 4,096 bytes with `suffix` (the
    /// mentions) after it.
    static func markdown(_ r: RenderedMessage, suffix: String = "") -> String {
        let fitted = try? Markup.fit(r, maxBytes: maxContentBytes) { Data((content($0) + suffix).utf8) }
        return fitted.map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    static func content(_ r: RenderedMessage) -> String {
        let e = Markup.plainMarkdown
        var lines = ["**<font color=\"\(colour(r.severity))\">\(e(r.title))</font>**"]
        lines += r.facts.map { "> \(e($0.label)): <font color=\"comment\">\(e($0.value))</font>" }
        if let note = r.note { lines.append(e(note)) }
        if let link = r.link { lines.append("[\(e(link.label))](\(link.url))") }
        return lines.joined(separator: "\n")
    }

    /// A markdown message fitted in 4,096 bytes of content, mentions as `<@id>` after it.
    package func request(for m: OutgoingMessage, now: Int64) throws -> WebhookRequest {
        // Markdown mentions are <@userid> in the content (mentioned_list works for text messages only).
        let at = m.mentions.isEmpty ? "" : "\n" + m.mentions.map { "<@\($0)>" }.joined(separator: " ")
        let content = Self.markdown(m.rendered, suffix: at)
        return WebhookRequest(
            url: url.exposedValue, headers: [("content-type", "application/json; charset=utf-8")],
            body: try JSONBody.encode(["msgtype": "markdown", "markdown": ["content": content]]))
    }

    /// Reads `errcode` from the body, as the type's comment lists.
    package func interpret(_ r: WebhookResponse) -> DeliveryVerdict {
        if let v = HTTPSemantics.verdict(for: r) { return v }
        guard let json = HTTPSemantics.json(r), let code = HTTPSemantics.int(json["errcode"]) else {
            return .retry(after: nil, reason: "unexpected answer (no errcode)" + HTTPSemantics.detail(r))
        }
        let msg = (json["errmsg"] as? String).map { " \($0)" } ?? ""
        switch code {
        case 0: return .delivered
        case 45009: return .retry(after: .seconds(60), reason: "errcode 45009\(msg)")
        case 93000, 93004, 93008: return .pause(reason: "errcode \(code)\(msg) (the webhook key is wrong or the robot was removed)")
        case 40058, 44004: return .failed(reason: "errcode \(code)\(msg)")
        default: return .retry(after: nil, reason: "errcode \(code)\(msg)")
        }
    }
}
