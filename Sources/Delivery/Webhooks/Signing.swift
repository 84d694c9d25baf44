import Crypto
import Foundation

/// The HMAC-SHA256 signatures the platforms use, in one place so the test servers can be checked
/// against an independent implementation (the `standardwebhooks` PyPI package) rather than this one.
package enum Signing {
    /// HMAC-SHA256 of `message` under `key`, the primitive every platform's signature is built on.
    package static func hmacSHA256(key: Data, message: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
    }

    /// Standard Webhooks: base64 HMAC-SHA256 over `"{id}.{timestamp}.{body}"`, keyed with the base64
    /// part of a `whsec_` secret.
    package static func standard(id: String, timestamp: Int64, body: Data, secret: String) -> String? {
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst(6))) else { return nil }
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        return hmacSHA256(key: key, message: message).base64EncodedString()
    }

    /// DingTalk: base64 HMAC-SHA256 keyed with the secret over `"{timestamp ms}\n{secret}"` (not yet
    /// URL-encoded).
    package static func dingtalk(timestampMillis: Int64, secret: String) -> String {
        hmacSHA256(key: Data(secret.utf8), message: Data("\(timestampMillis)\n\(secret)".utf8)).base64EncodedString()
    }

    /// Feishu: base64 HMAC-SHA256 keyed with `"{timestamp s}\n{secret}"` over an empty message.
    package static func feishu(timestampSeconds: Int64, secret: String) -> String {
        hmacSHA256(key: Data("\(timestampSeconds)\n\(secret)".utf8), message: Data()).base64EncodedString()
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters, as DingTalk's examples do with
    /// URLEncoder / quote_plus for a base64 value (`+`, `/` and `=` become %2B, %2F, %3D).
    package static func queryEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}
