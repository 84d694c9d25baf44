import Crypto
import Foundation

/// Each platform's signature check, written here from the platforms' documentation independently of
/// Delivery.Signing, so a shared mistake cannot make both sides agree.
enum Verify {
    static func hmac(key: [UInt8], _ message: [UInt8]) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))).base64EncodedString()
    }

    /// Standard Webhooks: every `v1,` entry of the space-separated header is a candidate.
    static func standard(
        id: String?, timestamp: String?, signatureHeader: String?, body: Data, secret: String, now: Int64, tolerance: Int64 = 300
    ) -> String? {
        guard let id, let timestamp, let ts = Int64(timestamp), let header = signatureHeader else { return "missing headers" }
        guard abs(now - ts) <= tolerance else { return "timestamp too old or too new" }
        guard secret.hasPrefix("whsec_"), let key = Data(base64Encoded: String(secret.dropFirst("whsec_".count))) else {
            return "bad secret"
        }
        let expected = hmac(key: Array(key), Array("\(id).\(timestamp).".utf8) + Array(body))
        let candidates = header.split(separator: " ").compactMap { part -> String? in
            let pieces = part.split(separator: ",", maxSplits: 1)
            return pieces.count == 2 && pieces[0] == "v1" ? String(pieces[1]) : nil
        }
        return candidates.contains(expected) ? nil : "no matching signature"
    }

    /// DingTalk: `sign` (already URL-decoded by the server) = base64 HMAC(secret, "ts\nsecret"), ts in ms within an hour.
    static func dingtalk(timestamp: String?, sign: String?, secret: String, nowMillis: Int64) -> Bool {
        guard let timestamp, let ts = Int64(timestamp), let sign, abs(nowMillis - ts) <= 3_600_000 else { return false }
        return hmac(key: Array(secret.utf8), Array("\(timestamp)\n\(secret)".utf8)) == sign
    }

    /// Feishu: `sign` = base64 HMAC(key: "ts\nsecret", message: empty), ts in seconds within an hour.
    static func feishu(timestamp: String?, sign: String?, secret: String, nowSeconds: Int64) -> Bool {
        guard let timestamp, let ts = Int64(timestamp), let sign, abs(nowSeconds - ts) <= 3600 else { return false }
        return hmac(key: Array("\(timestamp)\n\(secret)".utf8), []) == sign
    }
}
