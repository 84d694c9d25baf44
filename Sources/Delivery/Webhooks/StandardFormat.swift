import Foundation

/// Standard Webhooks (standardwebhooks.com): the JSON payload `{type, timestamp, data}` where `data` is
/// the outbox payload plus the rendered message, with headers `webhook-id` (the outbox id, the same on
/// every retry), `webhook-timestamp` (Unix seconds at send time) and `webhook-signature`
/// (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, key = base64-decoded part after `whsec_`).
/// Any 2xx is success; 410 Gone means the endpoint is disabled: the receiver is paused (its queue kept)
/// until it is re-enabled and a probe or `obligctl receiver resume` finds it answering.
package struct StandardFormat: WebhookFormat {
    let url: Secret
    let secret: Secret?

    /// An endpoint at `url`; `secret` (`whsec_<base64>`) is required, checked when the request is built.
    package init(url: Secret, secret: Secret?) {
        self.url = url
        self.secret = secret
    }

    /// "It's recommended to keep the size of payloads small, usually smaller than 20kb" (Standard
    /// Webhooks specification): the rendered message is shortened to keep the body under it; the
    /// payload's own fields are sent whole.
    static let maxBodyBytes = 20_000

    /// The JSON body `{type, timestamp, data}`, the rendered message shortened to keep it under 20 kB.
    package func body(for m: OutgoingMessage) throws -> Data {
        try Markup.fit(m.rendered, maxBytes: Self.maxBodyBytes) { r in try body(for: m, rendered: r) }
    }

    func body(for m: OutgoingMessage, rendered r: RenderedMessage) throws -> Data {
        var data = (try? JSONSerialization.jsonObject(with: Data(m.notification.payload.utf8))) as? [String: Any] ?? [:]
        var message: [String: Any] = [
            "language": r.language.rawValue, "severity": r.severity.rawValue, "title": r.title, "summary": r.summary,
            "facts": r.facts.map { ["label": $0.label, "value": $0.value] }
        ]
        if let note = r.note { message["note"] = note }
        if let link = r.link { message["url"] = link.url }
        data["message"] = message
        if !m.mentions.isEmpty { data["mentions"] = m.mentions }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        let timestamp = f.string(from: Date(timeIntervalSince1970: TimeInterval(m.notification.createdAt)))
        return try JSONBody.encode(["type": m.notification.kind.rawValue, "timestamp": timestamp, "data": data])
    }

    /// Signs `webhook-id.timestamp.body` at send time; a secret that is not `whsec_<base64>` throws `FormatError`.
    package func request(for m: OutgoingMessage, now: Int64) throws -> WebhookRequest {
        let body = try body(for: m)
        let ts = now / 1000
        guard let secret, let sig = Signing.standard(id: m.webhookId, timestamp: ts, body: body, secret: secret.exposedValue) else {
            throw FormatError("the standard secret is not whsec_<base64>")
        }
        return WebhookRequest(
            url: url.exposedValue,
            headers: [
                ("content-type", "application/json"),
                ("webhook-id", m.webhookId),
                ("webhook-timestamp", String(ts)),
                ("webhook-signature", "v1,\(sig)")
            ], body: body)
    }

    /// Any 2xx is delivered; 410 pauses the receiver; other statuses by their HTTP meaning.
    package func interpret(_ r: WebhookResponse) -> DeliveryVerdict {
        if r.status == 410 { return .pause(reason: "HTTP 410 Gone: the endpoint is disabled" + HTTPSemantics.detail(r)) }
        return HTTPSemantics.verdict(for: r) ?? .delivered
    }
}

/// A request that cannot be built (a broken secret); the delivery is dead-lettered with this reason.
package struct FormatError: Error, Sendable, CustomStringConvertible {
    /// What is wrong with the receiver's configuration, as the dead letter records it.
    package var description: String
    /// An error saying `d`.
    package init(_ d: String) { description = d }
}
