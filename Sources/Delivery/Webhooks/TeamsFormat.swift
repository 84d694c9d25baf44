import Foundation

/// Microsoft Teams through a Workflows (Power Automate) "send webhook alerts to a channel" flow, which
/// replaced the retired Office 365 connectors and takes only Adaptive Cards:
/// `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{AdaptiveCard}}]}`.
/// The flow answers 202 Accepted; any 2xx is success.
package struct TeamsFormat: WebhookFormat {
    let url: Secret

    /// A Workflows flow at `url`, which carries the flow's key and so is the credential (no signing).
    package init(url: Secret) { self.url = url }

    static func colour(_ s: Severity) -> String {
        switch s {
        case .error: "Attention"
        case .warning: "Warning"
        case .notice: "Accent"
        case .info: "Default"
        }
    }

    /// Teams refuses messages over about 28 KB ("Request Entity too large"), measured after its own
    /// re-encoding, so obligd keeps bodies under 24,000 bytes.
    static let maxBodyBytes = 24_000

    static func card(_ r: RenderedMessage, mentions: [String] = []) -> [String: Any] {
        let e = Markup.plainMarkdown
        var body: [[String: Any]] = [
            ["type": "TextBlock", "text": e(r.title), "weight": "Bolder", "size": "Medium", "wrap": true, "color": colour(r.severity)],
            ["type": "FactSet", "facts": r.facts.map { ["title": e($0.label), "value": e($0.value)] }]
        ]
        if let note = r.note { body.append(["type": "TextBlock", "text": e(note), "wrap": true, "isSubtle": true]) }
        var card: [String: Any] = [
            "type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.4", "body": body
        ]
        if let link = r.link { card["actions"] = [["type": "Action.OpenUrl", "title": link.label, "url": link.url]] }
        if !mentions.isEmpty {
            // A mention is "<at>name</at>" in the text plus an entity that says whom it names.
            body.append(["type": "TextBlock", "text": mentions.map { "<at>\($0)</at>" }.joined(separator: " "), "wrap": true])
            card["body"] = body
            card["msteams"] = [
                "entities": mentions.map { ["type": "mention", "text": "<at>\($0)</at>", "mentioned": ["id": $0, "name": $0]] }
            ]
        }
        return card
    }

    /// An Adaptive Card in a message attachment, kept under 24,000 bytes, with mentions as card entities.
    package func request(for m: OutgoingMessage, now: Int64) throws -> WebhookRequest {
        let body = try Markup.fit(m.rendered, maxBytes: Self.maxBodyBytes) { r in
            try JSONBody.encode([
                "type": "message",
                "attachments": [
                    [
                        "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": NSNull(),
                        "content": Self.card(r, mentions: m.mentions)
                    ]
                ]
            ])
        }
        return WebhookRequest(url: url.exposedValue, headers: [("content-type", "application/json")], body: body)
    }

    /// Any 2xx (the flow answers 202) is delivered; other statuses by their HTTP meaning.
    package func interpret(_ r: WebhookResponse) -> DeliveryVerdict {
        HTTPSemantics.verdict(for: r) ?? .delivered
    }
}
