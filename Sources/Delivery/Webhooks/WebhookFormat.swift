import Foundation

/// A message on its way to one receiver: the notification (its id is the webhook-id) and its wording.
package struct OutgoingMessage: Sendable {
    /// What is sent; its id is the webhook-id, so every retry carries the same one.
    package var notification: Notification
    /// Its wording in the receiver's language.
    package var rendered: RenderedMessage
    /// Platform ids of the people to @mention (validated at configuration load).
    package var mentions: [String]
    /// A message to one receiver; no mentions unless the receiver's configuration gives some.
    package init(notification: Notification, rendered: RenderedMessage, mentions: [String] = []) {
        self.notification = notification
        self.rendered = rendered
        self.mentions = mentions
    }
    /// The id receivers deduplicate on: the outbox row's (or digest's) id, unchanged across retries.
    package var webhookId: String { notification.id }
}

/// An HTTP request a format built: always a JSON POST.
package struct WebhookRequest: Sendable {
    /// Where to POST; it may hold the platform's token, so it is never logged.
    package var url: String
    /// The headers in the order sent (content type, signatures, webhook-id).
    package var headers: [(name: String, value: String)]
    /// The JSON body, byte for byte as signed.
    package var body: Data
    /// A request as a format built it.
    package init(url: String, headers: [(name: String, value: String)], body: Data) {
        self.url = url
        self.headers = headers
        self.body = body
    }
    /// The first header named `name`, compared without case; nil when absent.
    package func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

/// What a receiver answered.
package struct WebhookResponse: Sendable, Equatable {
    /// The HTTP status code.
    package var status: Int
    /// The headers, keyed by lower-case name.
    package var headers: [String: String]
    /// The body as received.
    package var body: Data
    /// An answer; header names are lower-cased so lookups ignore case.
    package init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }
    /// The body's first 2 KiB as text, enough for an error message or a dead letter's reason.
    package var bodyText: String { String(decoding: body.prefix(2048), as: UTF8.self) }
    /// The header named `name`, compared without case; nil when absent.
    package func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// The meaning of an answer, by class of failure: done; try again (the receiver asked for a delay, or
/// the fault is transient: 5xx, timeouts, refused connections, rate limits); pause the receiver (its
/// configuration is wrong: a bad signature, token or URL, an IP or keyword check, HTTP 401/403/404/410;
/// retrying cannot help until someone fixes it, but every message stays owed); or never (the platform
/// rejected this message as malformed: it goes to the dead letter with the platform's reason).
package enum DeliveryVerdict: Sendable, Equatable {
    case delivered
    case retry(after: Duration?, reason: String)
    case pause(reason: String)
    case failed(reason: String)
}

/// A receiver's wire format: how to build the request and how to read the answer. One type per
/// platform, each checked against the platform's documentation (see the type's comment).
package protocol WebhookFormat: Sendable {
    /// Builds the request as sent at `now` (epoch milliseconds): signatures carrying a timestamp are
    /// made at send time, never at enqueue time, because DingTalk and Feishu reject timestamps more than
    /// an hour off and Standard Webhooks receivers about five minutes.
    func request(for message: OutgoingMessage, now: Int64) throws -> WebhookRequest
    /// Reads the receiver's answer. Transport failures (timeouts, refused connections) never reach here:
    /// the dispatcher retries them.
    func interpret(_ response: WebhookResponse) -> DeliveryVerdict
}

extension Receiver {
    /// The format object for this receiver, holding its URL and secret.
    package func makeFormat() -> any WebhookFormat {
        switch format {
        case .standard: StandardFormat(url: url, secret: secret)
        case .dingtalk: DingTalkFormat(url: url, secret: secret)
        case .feishu: FeishuFormat(url: url, secret: secret)
        case .wecom: WeComFormat(url: url)
        case .slack: SlackFormat(url: url)
        case .teams: TeamsFormat(url: url)
        }
    }
}
