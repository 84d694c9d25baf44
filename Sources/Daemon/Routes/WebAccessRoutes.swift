import APIModel
import DeadlineKit
import Hummingbird
import Rules
import Store
import Web

/// The web view's invites and sessions on the socket (`obligctl web invite|list|revoke`): only a
/// writer of the socket may invite or revoke, and every change is audited.
extension APIServer {
    func addWebAccessRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/web/invites") { req, _ in
            // The token goes only to this caller: the idempotency record keeps the answer without it.
            let token = SecretToken.make()
            let base = (try? WebSettings.load(self.config.configuration))?.baseURL ?? self.feedBaseURL
            let reveal: @Sendable (WebAccessView) -> WebAccessView = { view in
                var view = view
                view.path = "/signin/\(token)"
                view.url = base.map { $0 + "/signin/\(token)" }
                return view
            }
            return await self.write(req, WebInviteBody.self, status: .created, revealOnce: reveal) { r, b in
                let roleText = b.role ?? WebRole.reader.rawValue
                guard let role = WebRole(rawValue: roleText) else {
                    throw StoreError.invalid(field: "role", problem: "'\(roleText)' is not a role", fix: "use reader or writer")
                }
                let invite = try r.addWebInvite(person: b.person, role: role, tokenHash: SecretToken.hash(token))
                return Self.webView(invite, now: r.now)
            }
        }
        router.get("/v1/web/access") { _, _ in
            await self.handle {
                try await self.snapshot { r in
                    let (invites, sessions) = try r.webAccess()
                    return invites.map { Self.webView($0, now: r.now) } + sessions.map { Self.webView($0, now: r.now) }
                }
            }
        }
        router.post("/v1/web/revoke") { req, _ in
            await self.write(req, WebRevokeBody.self, status: .ok) { r, b in
                _ = try r.revokeWeb(person: b.person)
                let (invites, sessions) = try r.webAccess()
                return invites.filter { $0.person == b.person }.map { Self.webView($0, now: r.now) }
                    + sessions.filter { $0.person == b.person }.map { Self.webView($0, now: r.now) }
            }
        }
    }

    static func webView(_ i: WebInvite, now: Instant) -> WebAccessView {
        let state =
            i.usedAt != nil ? "used" : i.revokedAt != nil ? "ended" : i.expiresAt <= now.secondsSinceEpoch ? "expired" : "live"
        return WebAccessView(
            kind: "invite", id: i.id ?? 0, person: i.person, role: i.role.rawValue,
            createdAt: Instant(secondsSinceEpoch: i.createdAt).description,
            expiresAt: Instant(secondsSinceEpoch: i.expiresAt).description, state: state)
    }

    static func webView(_ s: WebSession, now: Instant) -> WebAccessView {
        let state = s.endedAt != nil ? "ended" : s.expiresAt <= now.secondsSinceEpoch ? "expired" : "live"
        return WebAccessView(
            kind: "session", id: s.id ?? 0, person: s.person, role: s.role.rawValue,
            createdAt: Instant(secondsSinceEpoch: s.createdAt).description,
            expiresAt: Instant(secondsSinceEpoch: s.expiresAt).description, state: state)
    }
}
