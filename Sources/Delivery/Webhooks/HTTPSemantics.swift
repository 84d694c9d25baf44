import Foundation
import Rules

/// The HTTP rules all formats share: 429 and 5xx (and 408) are worth retrying, honouring
/// `Retry-After`; 401, 403, 404 and 410 mean the receiver's URL or credentials are wrong (pause it:
/// every message stays owed until it is fixed); any other 4xx means the message itself was refused.
enum HTTPSemantics {
    /// nil for 2xx: the format reads the body to decide.
    static func verdict(for r: WebhookResponse) -> DeliveryVerdict? {
        switch r.status {
        case 200..<300: return nil
        case 429: return .retry(after: retryAfter(r), reason: "HTTP 429 rate limited" + detail(r))
        case 408: return .retry(after: retryAfter(r), reason: "HTTP 408 request timeout" + detail(r))
        case 500...: return .retry(after: retryAfter(r), reason: "HTTP \(r.status)" + detail(r))
        case 401, 403, 404, 410: return .pause(reason: "HTTP \(r.status)" + detail(r) + " (check the receiver's URL and credentials)")
        default: return .failed(reason: "HTTP \(r.status)" + detail(r))
        }
    }

    static func detail(_ r: WebhookResponse) -> String {
        let text = r.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": " + String(text.prefix(200))
    }

    /// `Retry-After` as delay-seconds or an HTTP-date (RFC 9110 section 10.2.3).
    static func retryAfter(_ r: WebhookResponse, now: Date = Date()) -> Duration? {
        guard let v = r.header("retry-after")?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        if let s = Int(v), s >= 0 { return .seconds(s) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let d = f.date(from: v) else { return nil }
        return .milliseconds(max(0, Int64(d.timeIntervalSince(now) * 1000)))
    }

    /// The JSON object in a body, if it is one.
    static func json(_ r: WebhookResponse) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: r.body)) as? [String: Any]
    }

    static func int(_ any: Any?) -> Int? {
        if let n = any as? NSNumber, !JSONObject.isBoolean(n) { return n.intValue }
        if let s = any as? String { return Int(s) }
        return nil
    }
}

/// JSON bodies with a stable key order, so a request is reproducible in tests and diffable in logs.
enum JSONBody {
    static func encode(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }
}
