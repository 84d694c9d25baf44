import DeadlineKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Rules
import Store
import TestSupport
import Testing

@testable import Web

/// Single sign-on through a reverse proxy: the user header is believed only on a connection from the
/// configured proxy (the live test server's peer is 127.0.0.1), becomes an ordinary session with the
/// role the people map gives, and never lets a form act for someone the header does not name.
struct ProxySignInTests {
    typealias Fixture = WebViewTests.Fixture

    static func configuration(proxy: String) throws -> Configuration {
        let json = """
            {"web": {"trustedProxy": ["\(proxy)", "::1"], "userHeader": "X-Forwarded-User"},
             "people": {"li.wei": {"name": "Li Wei", "webRole": "writer"}, "auditor": {"name": "Wang Fang"}}}
            """
        return try Embedded.configuration.replacing("obligd.json", with: Data(json.utf8), origin: "/etc/obligd/obligd.json")
    }

    static func user(_ name: String, cookie: String? = nil) -> HTTPFields {
        var h: HTTPFields = [HTTPField.Name("X-Forwarded-User")!: name]
        if let cookie { h[.cookie] = "obligd_session=\(cookie)" }
        return h
    }

    /// The session token a 303's `Set-Cookie` starts.
    static func session(of r: TestResponse) throws -> String {
        let cookie = try #require(r.headers[.setCookie])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        return String(try #require(cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last))
    }

    @Test func theProxysHeaderSignsInWithThePeopleMapsRoleAndTheAuditNamesThePerson() async throws {
        let f = try await Fixture(config: try Self.configuration(proxy: "127.0.0.1"))
        let id = f.obligation
        try await WebViewTests.withWeb(f, .live) { client in
            let first = try await client.execute(uri: "/obligations/\(id)?lang=en", method: .get, headers: Self.user("li.wei"))
            #expect(first.status == .seeOther && first.headers[.location] == "/obligations/\(id)?lang=en")
            let token = try Self.session(of: first)
            let page = try await client.execute(
                uri: "/obligations/\(id)?lang=en", method: .get, headers: Self.user("li.wei", cookie: token))
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Li Wei · writer") && html.contains("/acknowledge"), "\(html)")
            let csrf = try #require(WebViewTests.csrf(in: html))
            var form = Self.user("li.wei", cookie: token)
            form.append(contentsOf: WebViewTests.formHeaders)
            let ack = try await client.execute(
                uri: "/obligations/\(id)/acknowledge", method: .post, headers: form, body: WebViewTests.form(["note": "mine", "csrf": csrf])
            )
            #expect(ack.status == .seeOther)
            // The same browser's cookie with another person named by the proxy: a form is refused, a
            // page starts that person's own session (a reader: the people map gives no role).
            var other = Self.user("auditor", cookie: token)
            other.append(contentsOf: WebViewTests.formHeaders)
            let forged = try await client.execute(
                uri: "/obligations/\(id)/waive", method: .post, headers: other, body: WebViewTests.form(["reason": "x", "csrf": csrf]))
            #expect(forged.status == .forbidden)
            let switched = try await client.execute(uri: "/?lang=en", method: .get, headers: Self.user("auditor", cookie: token))
            let auditor = try Self.session(of: switched)
            let readerPage = try await client.execute(
                uri: "/obligations/\(id)?lang=en", method: .get, headers: Self.user("auditor", cookie: auditor))
            #expect(String(buffer: readerPage.body).contains("Wang Fang · reader"))
            #expect(!String(buffer: readerPage.body).contains("/acknowledge"))
            // A header that is not a person's name is refused, and shows nothing.
            let bad = try await client.execute(uri: "/", method: .get, headers: Self.user("<b>x</b>"))
            #expect(bad.status == .forbidden && bad.headers[.setCookie] == nil)
            #expect(!String(buffer: bad.body).contains("<b>x</b>"))
        }
        let rows = try await f.audit()
        #expect(rows.first { $0.action == "obligation.acknowledged" }?.actor == "web:li.wei")
        #expect(rows.contains { $0.action == "web.signed-in" && $0.actor == "web:li.wei" && ($0.after ?? "").contains("X-Forwarded-User") })
        #expect(rows.contains { $0.action == "web.signed-out" && $0.actor == "web:li.wei" }, "the switch ended li.wei's session")
        #expect(!rows.contains { $0.action == "obligation.waived" })
    }

    @Test func theHeaderFromAnyOtherAddressIsIgnored() async throws {
        let f = try await Fixture(config: try Self.configuration(proxy: "192.0.2.10"))
        try await WebViewTests.withWeb(f, .live) { client in
            let r = try await client.execute(uri: "/?lang=en", method: .get, headers: Self.user("li.wei"))
            #expect(r.status == .unauthorized && r.headers[.setCookie] == nil)
            #expect(!String(buffer: r.body).contains("Li Wei"))
        }
        #expect(try await f.audit().contains { $0.action == "web.signed-in" } == false)
    }

    @Test func theSettingsAreCheckedAtLoad() throws {
        for (json, key) in [
            (#"{"web": {"trustedProxy": "proxy.example", "userHeader": "X-User"}}"#, "trustedProxy"),
            (#"{"web": {"trustedProxy": "10.0.0.1"}}"#, "userHeader"),
            (#"{"web": {"userHeader": "X-User"}}"#, "trustedProxy"),
            (#"{"web": {"trustedProxy": "10.0.0.1", "userHeader": "X User"}}"#, "userHeader"),
            (#"{"people": {"li.wei": {"webRole": "admin"}}}"#, "webRole")
        ] {
            #expect("\(json)") {
                _ = try Embedded.configuration.replacing("obligd.json", with: Data(json.utf8), origin: "/etc/obligd/obligd.json")
            } throws: { error in
                "\(error)".contains(key)
            }
        }
        let ok = try Self.configuration(proxy: "0:0:0:0:0:0:0:1")
        #expect(ok.web.trustedProxies == ["::1"], "one address, however it is written")
        #expect(ok.web.roles == ["li.wei": .writer])
    }
}
