import Foundation

/// A message on its way to one receiver: the notification (its id is the webhook-id) and its wording.
package struct OutgoingMessage: Sendable {
    package var notification: Notification
    package var rendered: RenderedMessage
    /// Platform ids of the people to @mention (validated at configuration load).
    package var mentions: [String]
    package init(notification: Notification, rendered: RenderedMessage, mentions: [String] = []) {
        self.notification = notification
        self.rendered = rendered
        self.mentions = mentions
    }
    package var webhookId: String { notification.id }
}

/// An HTTP request a format built: always a JSON POST.
package struct WebhookRequest: Sendable {
    package var url: String
    package var headers: [(name: String, value: String)]
    package var body: Data
    package init(url: String, headers: [(name: String, value: String)], body: Data) {
        self.url = url
        self.headers = headers
        self.body = body
    }
    package func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

/// What a receiver answered.
package struct WebhookResponse: Sendable, Equatable {
    package var status: Int
    package var headers: [String: String]
    package var body: Data
    package init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }
    package var bodyText: String { String(decoding: body.prefix(2048), as: UTF8.self) }
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
