import APIModel
import DeadlineKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Rules
import Store
import Synchronization
import TestSupport
import Testing

@testable import Web

/// The web view in process (HummingbirdTesting's router framework) on a real SQLite store: nothing
/// without a session, a GET never changes anything, a form changes state only with its CSRF token,
/// from its own origin and for a writer, user text is text, and the audit names the person.
struct WebViewTests {
    /// A store with entity `acme` (a name full of markup) and a custom obligation due 2026-02-24, a
    /// clock that tests move, and the web view over them.
    final class Fixture: Sendable {
        let store: ObligationStore
        let clock = Mutex(try! Instant(parsing: "2026-02-10T02:00:00Z"))
        let config: Configuration
        let obligation: Int64
        let health: @Sendable () async throws -> Health?

        init(config: Configuration = Embedded.configuration, health: @escaping @Sendable () async throws -> Health? = { nil }) async throws
        {
            store = try makeTemporaryStore()
            self.config = config
            self.health = health
            let now = clock.withLock { $0 }
            obligation = try await store.transaction(config: config, now: now, actor: "test") { r in
                _ = try r.addEntity(id: "acme", name: "<script>alert('acme')</script> Ltd", zone: nil, region: nil, owner: nil, labels: [:])
                return try r.addCustom(
                    entityId: "acme", title: "File <b>the</b> assessment & report", start: .day(try CivilDate(parsing: "2025-12-24")),
                    period: try Period(parsing: "+2mo"), roll: nil
                ).id!
            }
        }

        var web: WebView {
            let config = self.config
            return WebView(
                environment: WebEnvironment(
                    store: store, configuration: { config }, now: { self.clock.withLock { $0 } }, health: health))
        }

        /// An invite's token for `person`.
        func invite(_ person: String, _ role: WebRole) async throws -> String {
            let token = SecretToken.make()
            let hash = SecretToken.hash(token)
            _ = try await store.transaction(config: config, now: clock.withLock { $0 }, actor: "root") { r in
                try r.addWebInvite(person: person, role: role, tokenHash: hash)
            }
            return token
        }

        func audit() async throws -> [AuditEntry] {
            try await store.snapshot(config: config, now: clock.withLock { $0 }) { r in try r.auditRows(after: 0, limit: 1000) }
        }
    }

    /// Runs `test` against the web view's routes.
    /// `.router` runs in process with no peer address; `.live` listens on 127.0.0.1, so the peer is
    /// loopback (what the trusted-proxy tests need).
    static func withWeb(
        _ f: Fixture, _ mode: TestingSetup = .router, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let router = Router(context: WebRequestContext.self)
        f.web.addRoutes(to: router)
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(mode) { client in
            try await test(client)
        }
    }

    func withWeb(_ f: Fixture, _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Self.withWeb(f, .router, test)
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(
            string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
                .joined(separator: "&"))
    }

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// The sign-in page of `token`: the nonce its form carries and its cookie repeats (nil: no form).
    static func signInNonce(_ client: any TestClientProtocol, _ token: String) async throws -> String? {
        let page = try await client.execute(uri: "/signin/\(token)", method: .get)
        guard page.status == .ok, let cookie = page.headers[.setCookie] else { return nil }
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "\(cookie)")
        let html = String(buffer: page.body)
        guard let r = html.range(of: #"name="nonce" value=""#) else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Posts the sign-in form of `token` with `nonce` (in the form and, unless `cookie` is false, the
    /// cookie).
    static func postSignIn(
        _ client: any TestClientProtocol, _ token: String, nonce: String, cookie: Bool = true
    ) async throws -> TestResponse {
        var headers = formHeaders
        if cookie { headers[.cookie] = "obligd_signin=\(nonce)" }
        return try await client.execute(uri: "/signin", method: .post, headers: headers, body: form(["token": token, "nonce": nonce]))
    }

    /// Signs in with `token` as a browser does (the page, then its form) and returns the session
    /// cookie's token.
    static func signIn(_ client: any TestClientProtocol, _ token: String) async throws -> String {
        let nonce = try #require(try await signInNonce(client, token))
        let r = try await postSignIn(client, token, nonce: nonce)
        #expect(r.status == .seeOther)
        let cookie = try #require(r.headers[.setCookie])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Max-Age=2592000"), "\(cookie)")
        let value = try #require(cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last)
        return String(value)
    }

    static func cookie(_ session: String) -> HTTPFields { [.cookie: "obligd_session=\(session)"] }

    static func csrf(in html: String) -> String? {
        guard let r = html.range(of: #"name="csrf" value=""#) else { return nil }
        return String(html[r.upperBound...].prefix { $0 != "\"" })
    }

    /// Escaping is the template engine's: no template asks for raw output.
    @Test func noTemplateRendersUnescaped() {
        for text in [
            Templates.layout, Templates.overview, Templates.obligation, Templates.signIn, Templates.message, Templates.entity,
            Templates.status, Templates.calendar, Templates.months, Templates.report
        ] {
            #expect(!text.contains("{{{") && !text.contains("{{&"))
        }
    }

    @Test func nothingShowsWithoutASession() async throws {
        let f = try await Fixture()
        try await withWeb(f) { client in
            for uri in [
                "/", "/obligations/\(f.obligation)", "/?entity=acme", "/entities/acme", "/status", "/calendar?year=2026",
                "/report?entity=acme&from=2025-01-01&to=2026-12-31"
            ] {
                let r = try await client.execute(uri: uri, method: .get, headers: Self.cookie(SecretToken.make()))
                #expect(r.status == .unauthorized, "\(uri)")
                let html = String(buffer: r.body)
                #expect(!html.contains("assessment") && !html.contains("acme"), "\(uri) shows data: \(html)")
                #expect(r.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
            }
        }
    }

    @Test func anInviteSignsInOnceByPostAndTheGETChangesNothing() async throws {
        let f = try await Fixture()
        let token = try await f.invite("li.wei", .writer)
        try await withWeb(f) { client in
            // Opening the link (or a chat unfurler fetching it) shows a button; the invite stays unused.
            for _ in 0..<2 {
                let page = try await client.execute(uri: "/signin/\(token)?lang=en", method: .get)
                #expect(page.status == .ok)
                #expect(page.headers[.setCookie]?.hasPrefix("obligd_signin=") == true, "only the form's nonce, no session")
                #expect(String(buffer: page.body).contains("li.wei"))
            }
            // Posted from another site: the sign-in cookie is SameSite=Strict, so it does not come along.
            let nonce = try #require(try await Self.signInNonce(client, token))
            let forged = try await Self.postSignIn(client, token, nonce: nonce, cookie: false)
            #expect(forged.status == .forbidden && forged.headers[.setCookie] == nil)
            let session = try await Self.signIn(client, token)
            let again = try await Self.postSignIn(client, token, nonce: nonce)
            #expect(again.status == .notFound, "an invite signs in once")
            #expect(again.headers[.setCookie] == nil)
            let overview = try await client.execute(uri: "/?lang=en", method: .get, headers: Self.cookie(session))
            #expect(overview.status == .ok)
            let html = String(buffer: overview.body)
            #expect(html.contains("File &lt;b&gt;the&lt;/b&gt; assessment &amp; report"), "user text is escaped: \(html)")
            #expect(!html.contains("<b>the</b>") && !html.contains("<script>"))
            let entity = try await client.execute(uri: "/entities/acme?lang=en", method: .get, headers: Self.cookie(session))
            #expect(entity.status == .ok)
            #expect(String(buffer: entity.body).contains("&lt;script&gt;alert"), "the entity's name is text")
            #expect(!String(buffer: entity.body).contains("<script>"))
            for (name, value) in [
                ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"),
                ("X-Content-Type-Options", "nosniff")
            ] {
                #expect(overview.headers[HTTPField.Name(name)!] == value, "\(name)")
            }
        }
        let actions = try await f.audit().filter { $0.subject == "web:li.wei" }.map(\.action)
        #expect(actions == ["web.invited", "web.signed-in"])
        let signIn = try await f.audit().first { $0.action == "web.signed-in" }
        #expect(signIn?.actor == "web:li.wei")
    }

    @Test func aWriterActsWithTheTokenFromItsOwnOriginAndTheAuditNamesThem() async throws {
        let f = try await Fixture()
        let token = try await f.invite("li.wei", .writer)
        let id = f.obligation
        try await withWeb(f) { client in
            let session = try await Self.signIn(client, token)
            let page = try await client.execute(uri: "/obligations/\(id)?lang=en", method: .get, headers: Self.cookie(session))
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("before:-1wd") && html.contains("2026-02-14 09:00"), "the reminder plan: \(html)")
            #expect(!html.contains("g-counted"), "+2mo counts no working days: none is shaded as counted")
            #expect(html.contains(#"class="g-makeup""#), "the month grids mark 2026-02-14, a make-up day")
            let csrf = try #require(Self.csrf(in: html))
            var headers = Self.cookie(session)
            headers.append(contentsOf: Self.formHeaders)
            // No token, a wrong one, another site's origin: refused, nothing written.
            let uri = "/obligations/\(id)/acknowledge"
            for (fields, origin) in [
                (["note": "x"], nil), (["note": "x", "csrf": String(repeating: "0", count: 64)], nil),
                (["note": "x", "csrf": csrf], "https://evil.example")
            ] as [([String: String], String?)] {
                var h = headers
                if let origin { h[.origin] = origin }
                let r = try await client.execute(uri: uri, method: .post, headers: h, body: Self.form(fields))
                #expect(r.status == .forbidden, "\(fields) \(String(describing: origin))")
            }
            #expect(try await f.audit().contains { $0.action == "obligation.acknowledged" } == false)
            let ok = try await client.execute(
                uri: uri, method: .post, headers: headers, body: Self.form(["note": "Li Wei files it on Friday", "csrf": csrf]))
            #expect(ok.status == .seeOther)
            #expect(ok.headers[.location] == "/obligations/\(id)?lang=zh-CN")
            let done = try await client.execute(
                uri: "/obligations/\(id)/done", method: .post, headers: headers,
                body: Self.form(["date": "2026-02-10", "note": "filed, receipt 2026-17", "csrf": csrf]))
            #expect(done.status == .seeOther)
        }
        let rows = try await f.audit().filter { $0.subject == "obligation:\(id)" }
        #expect(rows.first { $0.action == "obligation.acknowledged" }?.actor == "web:li.wei")
        #expect(rows.first { $0.action == "obligation.done" }?.actor == "web:li.wei")
        let o = try await f.store.snapshot(config: f.config, now: f.clock.withLock { $0 }) { r in try r.findObligation(id) }
        #expect(o?.status == .done && o?.closedNote == "filed, receipt 2026-17")
    }

    @Test func aReaderSeesNoFormsAndCannotAct() async throws {
        let f = try await Fixture()
        let token = try await f.invite("auditor", .reader)
        let id = f.obligation
        try await withWeb(f) { client in
            let session = try await Self.signIn(client, token)
            let page = try await client.execute(uri: "/obligations/\(id)", method: .get, headers: Self.cookie(session))
            let html = String(buffer: page.body)
            #expect(!html.contains("/acknowledge") && !html.contains("/done") && !html.contains("/waive"))
            let csrf = try #require(Self.csrf(in: html), "the sign-out form carries the token")
            var headers = Self.cookie(session)
            headers.append(contentsOf: Self.formHeaders)
            let r = try await client.execute(
                uri: "/obligations/\(id)/waive", method: .post, headers: headers, body: Self.form(["reason": "no", "csrf": csrf]))
            #expect(r.status == .forbidden)
        }
        #expect(try await f.audit().contains { $0.action == "obligation.waived" } == false)
    }

    @Test func revokedExpiredAndSignedOutSessionsGetTheSignInPage() async throws {
        let f = try await Fixture()
        let a = try await f.invite("a", .writer), b = try await f.invite("b", .reader), c = try await f.invite("c", .reader)
        try await withWeb(f) { client in
            let (sa, sb, sc) = (try await Self.signIn(client, a), try await Self.signIn(client, b), try await Self.signIn(client, c))
            // Revoked (obligctl web revoke a).
            _ = try await f.store.transaction(config: f.config, now: f.clock.withLock { $0 }, actor: "root") { r in
                try r.revokeWeb(person: "a")
            }
            #expect(try await client.execute(uri: "/", method: .get, headers: Self.cookie(sa)).status == .unauthorized)
            // Signed out: the session ends on the server, not only in the browser.
            let page = try await client.execute(uri: "/", method: .get, headers: Self.cookie(sb))
            let csrf = try #require(Self.csrf(in: String(buffer: page.body)))
            var headers = Self.cookie(sb)
            headers.append(contentsOf: Self.formHeaders)
            let out = try await client.execute(uri: "/signout", method: .post, headers: headers, body: Self.form(["csrf": csrf]))
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.execute(uri: "/", method: .get, headers: Self.cookie(sb)).status == .unauthorized)
            // Expired: 30 days on.
            #expect(try await client.execute(uri: "/", method: .get, headers: Self.cookie(sc)).status == .ok)
            f.clock.withLock { $0 = $0.adding(seconds: 30 * 86_400 + 1) }
            #expect(try await client.execute(uri: "/", method: .get, headers: Self.cookie(sc)).status == .unauthorized)
        }
        let actions = try await f.audit().map(\.action)
        #expect(actions.contains("web.revoked") && actions.contains("web.signed-out"))
    }

    @Test func unknownTokensAreRateLimited() async throws {
        let f = try await Fixture()
        try await withWeb(f) { client in
            for _ in 0..<20 {
                let r = try await client.execute(uri: "/signin/" + SecretToken.make(), method: .get)
                #expect(r.status == .notFound)
            }
            let r = try await client.execute(uri: "/signin/" + SecretToken.make(), method: .get)
            #expect(r.status == .tooManyRequests)
        }
    }

    @Test func anInviteExpiresUnusedAfterSevenDays() async throws {
        let f = try await Fixture()
        let token = try await f.invite("late", .reader)
        f.clock.withLock { $0 = $0.adding(seconds: 7 * 86_400) }
        try await withWeb(f) { client in
            #expect(try await Self.signInNonce(client, token) == nil, "the page says the link is not valid")
            let r = try await Self.postSignIn(client, token, nonce: SecretToken.make())
            #expect(r.status == .notFound)
        }
    }
}
