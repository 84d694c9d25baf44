import Crypto
import Foundation

/// The secrets obligd hands out in URLs and cookies: calendar feed, invite and session tokens (256
/// random bits, URL-safe base64), kept by obligd only as their SHA-256, and the CSRF token a
/// session's forms carry, derived from the session token so that nothing more is stored.
/// Comparisons take the same time whatever matches.
package enum SecretToken {
    /// A fresh token.
    package static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The hex SHA-256 Store keeps.
    package static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `token` has the shape `make` gives (43 URL-safe characters): anything else is not
    /// looked up at all.
    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43
            && token.utf8.allSatisfy { b in
                (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
            }
    }

    /// The CSRF token of the session whose token is `session`: an HMAC only the holder of the cookie
    /// can compute, bound to that session.
    static func csrf(for session: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("obligd web csrf".utf8), using: SymmetricKey(data: Data(session.utf8)))
        return Data(mac).map { String(format: "%02x", $0) }.joined()
    }

    /// Equal strings, compared in constant time.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}
