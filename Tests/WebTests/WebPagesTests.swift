import APIModel
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

/// The pages beside the overview and the obligation: status (what `/v1/health` says), the calendar of
/// a year (holidays, make-up days, the notice), what was sent about an obligation, and a rule's
/// obligation titled in the page's language.
struct WebPagesTests {
    typealias Fixture = WebViewTests.Fixture

    /// Signs `person` in as `role` and returns the session cookie's headers.
    static func session(
        _ f: Fixture, _ client: any TestClientProtocol, _ person: String = "li.wei", _ role: WebRole = .reader
    )
        async throws -> HTTPFields
    {
        WebViewTests.cookie(try await WebViewTests.signIn(client, try await f.invite(person, role)))
    }

    @Test func theStatusPageShowsReceiversAndWhyOneIsPaused() async throws {
        let health = Health(
            status: .degraded, version: "9.9", openObligations: 1, overdue: 0, nextDue: nil, rules: 17,
            receivers: [
                ReceiverView(
                    name: "officers", state: .paused, pending: 3, oldestPendingAt: "2026-02-10T01:00:00Z", oldestPendingAgeSeconds: 3600,
                    dead: 0, since: "2026-02-10T01:00:00Z", lastError: "errcode 310000 <keyword missing>",
                    nextProbeAt: "2026-02-10T02:05:00Z",
                    probes: 2),
                ReceiverView(
                    name: "ops", state: .ok, pending: 0, oldestPendingAt: nil, oldestPendingAgeSeconds: nil, dead: 0, since: nil,
                    lastError: nil, nextProbeAt: nil, probes: nil)
            ], role: "standalone")
        let f = try await Fixture(health: { health })
        try await WebViewTests.withWeb(f) { client in
            let headers = try await Self.session(f, client)
            let r = try await client.execute(uri: "/status?lang=en", method: .get, headers: headers)
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            #expect(html.contains("degraded: a receiver needs attention") && html.contains("obligd 9.9"), "\(html)")
            #expect(html.contains(#"<tr class="r-paused"><td>officers</td><td>paused (configuration rejected)</td><td>3</td><td>1 h</td>"#))
            #expect(html.contains("errcode 310000 &lt;keyword missing&gt;"), "the platform's error is text")
            #expect(html.contains("receiver officers paused since 2026-02-10T01:00:00Z"), "the problem line as the API gives it")
            #expect(html.contains(#"<tr class="r-ok"><td>ops</td>"#))
            #expect(html.components(separatedBy: "next probe").count == 2, "only the paused receiver has a probe")
            #expect(!html.contains("/acknowledge"), "the status page changes nothing")
        }
        // Without the daemon's health (nothing wired), the page says so rather than showing a blank.
        let bare = try await Fixture()
        try await WebViewTests.withWeb(bare) { client in
            let r = try await client.execute(uri: "/status?lang=en", method: .get, headers: try await Self.session(bare, client))
            #expect(r.status == .serviceUnavailable)
        }
    }

    @Test func theCalendarPageShowsAYearsHolidaysMakeUpDaysAndNotice() async throws {
        let f = try await Fixture()
        try await WebViewTests.withWeb(f) { client in
            let headers = try await Self.session(f, client)
            let r = try await client.execute(uri: "/calendar?lang=en&region=cn&year=2026", method: .get, headers: headers)
            #expect(r.status == .ok)
            let html = String(buffer: r.body)
            // 2026's Spring Festival: 02-15 to 02-23, with Saturday 02-14 and Saturday 02-28 worked.
            #expect(html.contains("<td>2026-02-15</td><td>2026-02-23</td><td>9</td>"), "\(html)")
            #expect(html.contains("2026-02-14 (Sat), 2026-02-28 (Sat)"))
            #expect(html.contains("国办发明电"), "the notice that set the year")
            #expect(html.contains(#"<td class="g-makeup" title="Spring Festival">14</td>"#))
            #expect(html.contains(#"<td class="g-rest g-holiday" title="春节">16</td>"#))
            #expect(html.components(separatedBy: "<table class=\"month\">").count == 13, "twelve months")
            #expect(html.contains("year=2025") && html.contains("year=2027"), "links to the years around it")
            let zh = String(buffer: try await client.execute(uri: "/calendar?lang=zh-CN&year=2026", method: .get, headers: headers).body)
            #expect(zh.contains("<td>春节</td><td>2026-02-15</td>"), "a holiday by its Chinese name on a Chinese page")
            for uri in ["/calendar?year=1990", "/calendar?region=mars"] {
                let missing = try await client.execute(uri: uri + "&lang=en", method: .get, headers: headers)
                #expect(missing.status == .notFound, "\(uri)")
                #expect(String(buffer: missing.body).contains("No calendar for"))
            }
        }
    }

    @Test func anObligationSaysWhatWasSentAndARulesTitleIsInThePagesLanguage() async throws {
        let f = try await Fixture()
        let now = f.clock.withLock { $0 }
        let id = try await f.store.transaction(config: f.config, now: now, actor: "test") { r in
            try r.addEvent(
                entityId: "acme", kind: "important_data_notified", at: .day(try CivilDate(parsing: "2026-02-02")), ref: "n1",
                attributes: [:]
            ).opened.first!.id!
        }
        let rule = try #require(
            try await f.store.snapshot(config: f.config, now: now) { r in try r.findObligation(id) }?.ruleId.flatMap { f.config.rule($0) })
        try await WebViewTests.withWeb(f) { client in
            let headers = try await Self.session(f, client)
            let zh = String(buffer: try await client.execute(uri: "/obligations/\(id)?lang=zh-CN", method: .get, headers: headers).body)
            let chinese = rule.wording(.zhCN).title
            #expect(chinese != rule.title && zh.contains("<h1>\(chinese)</h1>"), "\(zh)")
            let overview = String(buffer: try await client.execute(uri: "/?lang=zh-CN", method: .get, headers: headers).body)
            #expect(overview.contains(chinese))
            let en = String(buffer: try await client.execute(uri: "/obligations/\(id)?lang=en", method: .get, headers: headers).body)
            #expect(en.contains("<h1>\(rule.title)</h1>"))
            // The opening was queued for the journal and the receivers; no receiver routed it yet.
            #expect(en.contains("Sent to receivers") && en.contains("<td>opened</td>"), "\(en)")
            #expect(en.contains("not yet routed"))
        }
    }

    @Test func aReaderMakesTheAuditPackOfAnEntityAsAFile() async throws {
        let f = try await Fixture()
        try await WebViewTests.withWeb(f) { client in
            let headers = try await Self.session(f, client, "auditor", .reader)
            let form = String(buffer: try await client.execute(uri: "/report?lang=en", method: .get, headers: headers).body)
            #expect(form.contains(#"<form class="filters" method="get" action="/report">"#) && form.contains("acme · &lt;script&gt;"))
            let json = try await client.execute(
                uri: "/report?lang=en&entity=acme&from=2025-01-01&to=2026-12-31&format=json", method: .get, headers: headers)
            #expect(json.status == .ok && json.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let pack = try #require(try JSONSerialization.jsonObject(with: Data(json.body.readableBytesView)) as? [String: Any])
            let obligations = try #require(pack["obligations"] as? [[String: Any]])
            #expect(obligations.count == 1 && "\(obligations[0])".contains("File <b>the</b> assessment"), "\(pack)")
            let html = try await client.execute(
                uri: "/report?lang=zh-CN&entity=acme&from=2025-01-01&to=2026-12-31", method: .get, headers: headers)
            #expect(html.status == .ok && String(buffer: html.body).hasPrefix("<!doctype html>"))
            #expect(!String(buffer: html.body).contains("<b>the</b>"), "the pack escapes titles too")
            let bad = try await client.execute(
                uri: "/report?lang=en&entity=acme&from=2026-13-01&to=2026-12-31", method: .get, headers: headers)
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("from"))
        }
    }
}
