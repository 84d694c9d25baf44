import DeadlineKit
import Foundation
import HTTPTypes
import Hummingbird
import Rules
import Store

/// The compliance officer's web view, on the TCP listener (`--http-listen`): the overview of what is
/// due, one obligation with why it is due that day, its reminder plan and history, and the forms to
/// acknowledge, close and waive it. Every page needs a signed-in person (`obligctl web invite`); a
/// GET never changes anything; a form changes state only by POST with its session's CSRF token and a
/// same-origin `Origin`, through the same Store verbs the API calls, audited as `web:NAME`.
package struct WebView: Sendable {
    let env: WebEnvironment
    let limiter = SignInLimiter()

    /// A web view over `environment`; nothing is served until its routes are added to a router.
    package init(environment: WebEnvironment) { env = environment }

    /// Adds the web view's routes to `router` (the listener's, beside `/metrics` and `/feeds`).
    package func addRoutes(to router: Router<WebRequestContext>) {
        router.get("/static/obligd.css") { _, _ in Page.stylesheet() }
        router.get("/signin/:token") { req, ctx in
            await self.guarded(req, ctx) { try await self.signInPage(req, token: ctx.parameters.get("token") ?? "") }
        }
        router.post("/signin") { req, ctx in await self.guarded(req, ctx) { try await self.signIn(req) } }
        router.post("/signout") { req, ctx in await self.guarded(req, ctx) { try await self.signOut(req) } }
        router.get("/") { req, ctx in await self.guarded(req, ctx) { try await self.overview(req) } }
        router.get("/status") { req, ctx in await self.guarded(req, ctx) { try await self.statusPage(req) } }
        router.get("/report") { req, ctx in await self.guarded(req, ctx) { try await self.reportPage(req) } }
        router.get("/calendar") { req, ctx in await self.guarded(req, ctx) { try await self.calendarPage(req) } }
        router.get("/entities/:id") { req, ctx in
            await self.guarded(req, ctx) { try await self.entityPage(req, id: ctx.parameters.get("id") ?? "") }
        }
        router.get("/obligations/:id") { req, ctx in
            await self.guarded(req, ctx) { try await self.obligationPage(req, id: ctx.parameters.get("id") ?? "") }
        }
        router.get("/obligations/:id/evidence/:number") { req, ctx in
            await self.guarded(req, ctx) {
                try await self.evidenceFile(req, id: ctx.parameters.get("id") ?? "", number: ctx.parameters.get("number") ?? "")
            }
        }
        router.post("/obligations/:id/:action") { req, ctx in
            await self.guarded(req, ctx) {
                try await self.act(req, id: ctx.parameters.get("id") ?? "", action: ctx.parameters.get("action") ?? "")
            }
        }
    }

    /// Runs a handler; an error becomes a page that says what went wrong (never a stack of JSON), and
    /// the listener stays up.
    /// A request through the trusted proxy is signed in first (`proxySignIn`).
    func guarded(_ req: Request, _ ctx: WebRequestContext, _ body: () async throws -> Response) async -> Response {
        let language = WebLanguage.of(req)
        do {
            if let answer = try await proxySignIn(req, peer: ctx.remoteAddress?.ipAddress) { return answer }
            return try await body()
        } catch let error as StoreError {
            let status: HTTPResponse.Status
            switch error {
            case .notFound: status = .notFound
            case .conflict: status = .conflict
            default: status = .badRequest
            }
            return Page.message(language.phrases["badForm"] ?? "", "\(error)", language: language, status: status)
        } catch {
            return Page.message("obligd", "\(error)", language: language, status: .internalServerError)
        }
    }

    // MARK: signing in and out

    func signInPage(_ req: Request, token: String) async throws -> Response {
        let language = WebLanguage.of(req)
        let t = language.phrases
        guard limiter.allows(at: env.now().secondsSinceEpoch) else {
            return Page.message(t["signInTitle"] ?? "", t["tooMany"] ?? "", language: language, status: .tooManyRequests)
        }
        let hash = SecretToken.hash(token)
        let invite = SecretToken.isWellFormed(token) ? try await env.read { r in try r.liveWebInvite(tokenHash: hash) } : nil
        guard let invite else {
            limiter.failed(at: env.now().secondsSinceEpoch)
            return Page.render(
                "signin", ["pageTitle": t["signInTitle"] ?? "", "valid": false, "message": t["signInUsed"] ?? ""], language: language,
                status: .notFound)
        }
        // A nonce in a SameSite=Strict cookie and in the form: another site cannot post the form (and
        // sign someone in as another person) without both. The page itself changes nothing.
        let nonce = SecretToken.make()
        return Page.render(
            "signin",
            [
                "pageTitle": t["signInTitle"] ?? "", "valid": true, "token": token, "nonce": nonce, "person": displayName(invite.person),
                "role": t["role.\(invite.role.rawValue)"] ?? invite.role.rawValue
            ], language: language,
            extraHeaders: [.setCookie: "\(WebIdentity.signInCookie)=\(nonce); Path=/signin; Max-Age=900; HttpOnly; SameSite=Strict"])
    }

    func signIn(_ req: Request) async throws -> Response {
        let language = WebLanguage.of(req)
        let t = language.phrases
        let form = try await Form.read(req)
        guard try sameOrigin(req), let nonce = WebIdentity.cookie(WebIdentity.signInCookie, in: req),
            SecretToken.equal(form["nonce"] ?? "", nonce)
        else { return refusedForm(language) }
        guard limiter.allows(at: env.now().secondsSinceEpoch) else {
            return Page.message(t["signInTitle"] ?? "", t["tooMany"] ?? "", language: language, status: .tooManyRequests)
        }
        let token = form["token"] ?? ""
        let sessionToken = SecretToken.make()
        let inviteHash = SecretToken.hash(token), sessionHash = SecretToken.hash(sessionToken)
        let session =
            SecretToken.isWellFormed(token)
            ? try await env.write(actor: "web") { r in try r.redeemWebInvite(inviteHash: inviteHash, sessionHash: sessionHash) } : nil
        guard session != nil else {
            limiter.failed(at: env.now().secondsSinceEpoch)
            return Page.render(
                "signin", ["pageTitle": t["signInTitle"] ?? "", "valid": false, "message": t["signInUsed"] ?? ""], language: language,
                status: .notFound)
        }
        return Page.seeOther(
            "/?lang=\(language.rawValue)", extraHeaders: [.setCookie: WebIdentity.setCookie(sessionToken, secure: env.secureCookies)])
    }

    func signOut(_ req: Request) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let who = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        let form = try await Form.read(req)
        guard try sameOrigin(req), SecretToken.equal(form["csrf"] ?? "", who.csrf) else { return refusedForm(language) }
        let id = who.session.id ?? 0
        try await env.write(actor: who.session.actor) { r in try r.endWebSession(id) }
        var response = Page.message("obligd", language.phrases["signedOut"] ?? "", language: language, status: .ok)
        response.headers[.setCookie] = WebIdentity.clearCookie(secure: env.secureCookies)
        return response
    }

    // MARK: refusals

    func needSignIn(_ language: WebLanguage) -> Response {
        let t = language.phrases
        return Page.message(t["signInTitle"] ?? "", t["needSignIn"] ?? "", language: language, status: .unauthorized)
    }

    /// A reader's attempt to act.
    func forbidden(_ language: WebLanguage) -> Response {
        Page.message("403", language.phrases["forbidden"] ?? "", language: language, status: .forbidden)
    }

    /// A form without its token, with another's, or from another site.
    func refusedForm(_ language: WebLanguage) -> Response {
        Page.message("403", language.phrases["formRefused"] ?? "", language: language, status: .forbidden)
    }

    /// A form's `Origin`, when the browser sends one, must be the web view's own: the configured URL,
    /// else the `Host` the request came to. A form posted from another site is refused before its
    /// token is even compared.
    ///
    /// A page sent with `Referrer-Policy: no-referrer` makes the browser say `Origin: null` on its
    /// forms; that says nothing either way, and the CSRF token (or, for signing in, the sign-in
    /// cookie) decides.
    func sameOrigin(_ req: Request) throws -> Bool {
        guard let origin = req.headers[.origin], origin != "null" else { return true }
        if let base = env.baseURL {
            return origin == Self.origin(of: base)
        }
        guard let host = req.head.authority ?? req.headers[HTTPField.Name("Host")!] else { return false }
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    /// `https://obligd.example.com` of `https://obligd.example.com/path`.
    static func origin(of url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let host = rest.prefix { $0 != "/" }
        return String(url[..<scheme.upperBound]) + host
    }

    /// The person's name as obligd.json's `people` gives it, else the id.
    func displayName(_ person: String) -> String { env.names[person] ?? person }

    /// The header's "who" values for a signed-in page.
    func who(_ identity: WebIdentity, _ language: WebLanguage) -> [String: Any] {
        [
            "name": displayName(identity.person), "role": language.phrases["role.\(identity.role.rawValue)"] ?? identity.role.rawValue,
            "csrf": identity.csrf
        ]
    }
}
