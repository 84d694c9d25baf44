import HTTPTypes
import Hummingbird
import Rules
import Store

/// The person behind a request: a live session found by its cookie, with the cookie's token (for the
/// CSRF check) and the role. Nil: the request gets the sign-in page and no data.
struct WebIdentity: Sendable {
    var session: WebSession
    var token: String

    var person: String { session.person }
    var role: WebRole { session.role }
    var csrf: String { SecretToken.csrf(for: token) }

    /// The session cookie's name. `__Host-` would bind it to https and the path, which a plain-http
    /// listener on loopback cannot have; `Secure` is set whenever the configured URL is https.
    static let cookie = "obligd_session"
    /// The sign-in page's nonce, which its form must repeat.
    static let signInCookie = "obligd_signin"

    /// The session cookie's token in `request`, if it carries one of the right shape.
    static func token(in request: Request) -> String? { cookie(cookie, in: request) }

    /// The value of cookie `name` in `request`, if it has the shape of a token.
    static func cookie(_ name: String, in request: Request) -> String? {
        for field in request.headers[values: .cookie] {
            for part in field.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if pair.count == 2, pair[0] == name, SecretToken.isWellFormed(pair[1]) { return pair[1] }
            }
        }
        return nil
    }

    /// The live session of `request`, or nil.
    static func of(_ request: Request, in env: WebEnvironment) async throws -> WebIdentity? {
        guard let token = token(in: request) else { return nil }
        let hash = SecretToken.hash(token)
        guard let session = try await env.read({ r in try r.webSession(tokenHash: hash) }) else { return nil }
        return WebIdentity(session: session, token: token)
    }

    /// The `Set-Cookie` value that starts a session: HttpOnly, SameSite=Strict, for 30 days.
    static func setCookie(_ token: String, secure: Bool) -> String {
        "\(cookie)=\(token); Path=/; Max-Age=\(WebAccess.sessionLifetime); HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// The `Set-Cookie` value that removes it.
    static func clearCookie(secure: Bool) -> String {
        "\(cookie)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }
}
