import Foundation

/// DingTalk custom robot ("自定义机器人"): `msgtype: markdown` with a title and markdown text. With
/// signing ("加签") the URL gets `timestamp` (Unix milliseconds, within an hour of DingTalk's clock) and
/// `sign` = URL-encoded base64 HMAC-SHA256 keyed with the `SEC...` secret over "timestamp\nsecret".
/// DingTalk answers HTTP 200 even on failure: `errcode` 0 is success. 130101 "send too fast, exceed 20
/// times per minute" and 410100 (the same in DingTalk's current table) are retried after the 10 minutes
/// DingTalk throttles a robot for. 310000 (signature, timestamp, keyword or IP check failed), 300001
/// and 400101 (no such access_token), 400013 (group disbanded), 400102 (robot disabled) and 400106
/// (robot not in the group) are configuration errors: the receiver is paused. 460101 / 101002 (body
/// over 20,000 bytes), 400105 (unsupported message type) and 430101-430104 (content filter) reject the
/// message itself. Other codes (-1 "system busy") are retried.
package struct DingTalkFormat: WebhookFormat {
    let url: Secret
    let secret: Secret?

    /// A robot at `url` (with its access_token); `secret` (`SEC...`) when the robot has 加签 on.
    package init(url: Secret, secret: Secret?) {
        self.url = url
        self.secret = secret
    }

    /// DingTalk rejects a body over 20,000 bytes: errcode 460101 "message too long, exceed 20000 bytes".
    static let maxBodyBytes = 20_000

    static func markdown(_ r: RenderedMessage) -> String {
        let e = Markup.plainMarkdown
        var lines = ["#### \(e(r.title))", ""]
        lines += r.facts.map { "- **\(e($0.label))**: \(e($0.value))" }
        if let note = r.note { lines += ["", "> \(e(note))"] }
        if let link = r.link { lines += ["", "[\(e(link.label))](\(link.url))"] }
        return lines.joined(separator: "\n")
    }

    /// A markdown message fitted under 20,000 bytes, with mentions in `at`; with a secret, `timestamp` and `sign` are
    /// added to the URL at send time.
    package func request(for m: OutgoingMessage, now: Int64) throws -> WebhookRequest {
        var address = url.exposedValue
        if let secret {
            let sign = Signing.queryEncode(Signing.dingtalk(timestampMillis: now, secret: secret.exposedValue))
            address += (address.contains("?") ? "&" : "?") + "timestamp=\(now)&sign=\(sign)"
        }
        // Mentions: mobiles in atMobiles, other ids in atUserIds, each also written "@id" in the text,
        // where DingTalk shows the mention.
        let mobiles = m.mentions.filter { $0.range(of: #"^\+?[0-9]{5,}$"#, options: .regularExpression) != nil }
        let userIds = m.mentions.filter { !mobiles.contains($0) }
        let at = m.mentions.isEmpty ? "" : "\n\n" + m.mentions.map { "@\($0)" }.joined(separator: " ")
        let body = try Markup.fit(m.rendered, maxBytes: Self.maxBodyBytes) { r in
            var object: [String: Any] = [
                "msgtype": "markdown",
                "markdown": ["title": Markup.truncate(characters: Markup.oneLine(r.title), max: 100), "text": Self.markdown(r) + at]
            ]
            if !m.mentions.isEmpty { object["at"] = ["atMobiles": mobiles, "atUserIds": userIds, "isAtAll": false] }
            return try JSONBody.encode(object)
        }
        return WebhookRequest(url: address, headers: [("content-type", "application/json; charset=utf-8")], body: body)
    }

    /// Reads `errcode` from the body (DingTalk answers 200 even on failure), as the type's comment lists.
    package func interpret(_ r: WebhookResponse) -> DeliveryVerdict {
        if let v = HTTPSemantics.verdict(for: r) { return v }
        guard let json = HTTPSemantics.json(r), let code = HTTPSemantics.int(json["errcode"]) else {
            return .retry(after: nil, reason: "unexpected answer (no errcode)" + HTTPSemantics.detail(r))
        }
        let msg = (json["errmsg"] as? String).map { " \($0)" } ?? ""
        switch code {
        case 0: return .delivered
        case 130101, 410100: return .retry(after: .seconds(600), reason: "errcode \(code)\(msg)")
        case 310000: return .pause(reason: "errcode 310000\(msg) (check the secret, the server clock, keywords and IP allow-list)")
        case 300001, 400101, 400013, 400102, 400106:
            return .pause(reason: "errcode \(code)\(msg) (check the robot's access_token and that it is still in the group)")
        case 460101, 101002, 400105, 430101...430104: return .failed(reason: "errcode \(code)\(msg)")
        default: return .retry(after: nil, reason: "errcode \(code)\(msg)")
        }
    }
}
