import HTTPTypes
import Hummingbird
import Rules
import Store

/// Single sign-on through a reverse proxy (`web.trustedProxy`, `web.userHeader`): the proxy signs
/// people in (OIDC, SAML, LDAP, whatever the team has) and names them in a header. obligd believes the
/// header only on a connection from the proxy's address, and turns it into an ordinary session, so
/// CSRF tokens, sign-out and the audit trail work as with an invite.
extension WebView {
    /// What to answer before the page, for a request through the trusted proxy; nil: go on.
    ///
    /// - A GET whose browser has no session of the person the header names (or one with another
    ///   role than the people map now gives) starts one and is redirected to itself with the cookie.
    /// - A form posted with another person's session than the header names is refused.
    /// - A header that is not a person's name is refused; a request without the header, or from any
    ///   other address, is handled as usual (its header is never read).
    func proxySignIn(_ req: Request, peer: String?) async throws -> Response? {
        let settings = env.settings
        guard let headerName = settings.userHeader, let name = HTTPField.Name(headerName), let peer,
            let address = WebSettings.canonicalAddress(peer), settings.trustedProxies.contains(address),
            let user = req.headers[name]?.trimmingCharacters(in: .whitespaces), !user.isEmpty,
            !req.uri.path.hasPrefix("/signin"), !req.uri.path.hasPrefix("/static/")
        else { return nil }
        let language = WebLanguage.of(req)
        do {
            try WebAccess.checkPerson(user)
        } catch {
            return Page.message("403", "\(headerName): \(error)", language: language, status: .forbidden)
        }
        let role = settings.roles[user] ?? .reader
        let current = try await WebIdentity.of(req, in: env)
        if let current, current.person == user, current.role == role { return nil }
        guard req.method == .get || req.method == .head else { return refusedForm(language) }
        let token = SecretToken.make()
        let hash = SecretToken.hash(token)
        let previous = current?.session.id
        _ = try await env.write(actor: "web") { r in
            if let previous { try r.endWebSession(previous) }
            return try r.startProxiedWebSession(person: user, role: role, sessionHash: hash, header: headerName)
        }
        return Page.seeOther(
            req.uri.description, extraHeaders: [.setCookie: WebIdentity.setCookie(token, secure: env.secureCookies)])
    }
}
