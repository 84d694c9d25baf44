import Foundation

/// Slack incoming webhook: Block Kit `blocks` plus a top-level `text`, which Slack shows in
/// notifications and where blocks cannot be rendered. Success is HTTP 200 with the body `ok`; 429
/// carries `Retry-After`; 403 action_prohibited/invalid_token, 404 channel_not_found/no_service, 410
/// channel_is_archived and 400 user_not_found pause the receiver (fix it in Slack); 400 invalid_payload
/// rejects the message itself.
package struct SlackFormat: WebhookFormat {
    let url: Secret

    /// A webhook at `url`, which is itself the credential (no signing).
    package init(url: Secret) { self.url = url }

    static func escape(_ s: String) -> String { Markup.slack(s) }

    /// The notification text (and fallback): Slack truncates above 40,000 characters; a summary is one
    /// line, so 3,000 (a section's limit) is plenty.
    static let maxTextCharacters = 3000

    static func blocks(_ r: RenderedMessage) -> [[String: Any]] {
        var blocks: [[String: Any]] = [
            ["type": "header", "text": ["type": "plain_text", "text": Markup.truncate(characters: r.title, max: 150), "emoji": true]],
            [
                "type": "section",
                "text": [
                    "type": "mrkdwn",
                    "text": Markup.truncate(
                        characters: r.facts.map { "*\(escape($0.label))*: \(escape($0.value))" }.joined(separator: "\n"), max: 3000)
                ]
            ]
        ]
        if let note = r.note {
            blocks.append([
                "type": "context", "elements": [["type": "mrkdwn", "text": Markup.truncate(characters: escape(note), max: 3000)]]
            ])
        }
        if let link = r.link {
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": "<\(link.url)|\(escape(link.label))>"]])
        }
        return blocks
    }

    /// Block Kit blocks plus the summary as `text`; mentions as `<@id>` before the text and in a block of their own.
    package func request(for m: OutgoingMessage, now: Int64) throws -> WebhookRequest {
        let at = m.mentions.map { "<@\($0)>" }.joined(separator: " ")
        var text = Markup.truncate(characters: Self.escape(Markup.oneLine(m.rendered.summary)), max: Self.maxTextCharacters)
        var blocks = Self.blocks(m.rendered)
        if !at.isEmpty {
            text = at + " " + text
            blocks.append(["type": "section", "text": ["type": "mrkdwn", "text": at]])
        }
        return WebhookRequest(
            url: url.exposedValue, headers: [("content-type", "application/json")],
            body: try JSONBody.encode(["text": text, "blocks": blocks]))
    }

    /// Success only for the body `ok`; Slack's error words decide between pause, retry and dead letter.
    package func interpret(_ r: WebhookResponse) -> DeliveryVerdict {
        let text = r.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        if r.status == 400, text == "user_not_found" { return .pause(reason: "HTTP 400: user_not_found (check the webhook in Slack)") }
        if let v = HTTPSemantics.verdict(for: r) { return v }
        if text == "ok" { return .delivered }
        return .failed(reason: "HTTP \(r.status) without 'ok'" + HTTPSemantics.detail(r))
    }
}
