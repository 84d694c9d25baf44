import APIModel
import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

/// `POST /v1/calendar/preview`: which open deadlines a calendar file would move, before anyone loads it.
@Suite struct CalendarPreviewTests {
    /// A made-up 2027 calendar, clearly labelled, NOT the real 2027 notice (unpublished when this was
    /// written): New Year January 1-3, Spring Festival February 6-13, Sunday February 14 worked.
    static let file2027 = """
        {
          "region": "cn",
          "year": 2027,
          "version": 1,
          "notice": { "title": "TEST FIXTURE, not a real notice", "published": "2026-11-01" },
          "holidays": [
            { "name": "New Year's Day", "from": "2027-01-01", "to": "2027-01-03", "makeUpDays": [] },
            { "name": "Spring Festival", "localName": "春节", "from": "2027-02-06", "to": "2027-02-13", "makeUpDays": ["2027-02-14"] }
          ]
        }
        """

    /// Custom obligations whose due days rest on 2027 (estimated under the embedded configuration) and one on 2025.
    func open(_ c: Client) async throws -> [String: ObligationView] {
        try await c.entity("acme")
        var byTitle: [String: ObligationView] = [:]
        for (title, start, period) in [
            ("A", "2027-02-01", "+5wd"), ("B", "2026-12-25", "+10wd"), ("D", "2027-02-03", "+2wd"), ("old", "2025-07-01", "+5wd")
        ] {
            let body = #"{"entity": "acme", "title": "\#(title)", "start": "\#(start)", "period": "\#(period)"}"#
            let r = try await c.post("/v1/obligations", body)
            try #require(r.status == 201, "\(r)")
            byTitle[title] = try r.decode(ObligationView.self)
        }
        return byTitle
    }

    @Test func previewListsTheMovesAReloadMakesAndWritesNothing() async throws {
        let api = try API()
        try await api.test { c in
            let o = try await open(c)
            // Under the estimate: Spring Festival 02-05..02-08, so A (4 working days from 02-02) ends 02-10.
            #expect(o["A"]?.due == "2027-02-10" && o["A"]?.provisional == true)
            #expect(o["B"]?.due == "2027-01-11" && o["D"]?.due == "2027-02-09")
            let r = try await c.post("/v1/calendar/preview", Self.file2027)
            try #require(r.status == 200, "\(r)")
            let p = try r.decode(CalendarPreview.self)
            #expect(p.examined == 3, "A, B and D rest on 2027; the 2025 one does not")
            #expect(p.moved == 2 && p.confirmed == 1, "B keeps 2027-01-11 and is no longer provisional")
            #expect(
                p.moves == [
                    CalendarPreviewMove(
                        id: o["A"]!.id, entity: "acme", rule: nil, title: "A", from: "2027-02-10", to: "2027-02-14", provisional: false),
                    CalendarPreviewMove(
                        id: o["D"]!.id, entity: "acme", rule: nil, title: "D", from: "2027-02-09", to: "2027-02-05", provisional: false)
                ])
            #expect(p.current.hasPrefix("2027: PROVISIONAL estimate") && p.candidate.contains("TEST FIXTURE"), "\(p)")
            #expect(p.configDirectory == nil)
            // Nothing was written: the same days, still provisional, no audit of a move.
            let after = try await c.obligations()
            #expect(after.map(\.due).sorted() == o.values.map(\.due).sorted())
            #expect(after.filter(\.provisional).count == 3)
            let audit = try await c.get("/v1/audit")
            #expect(!(String(decoding: audit.body, as: UTF8.self)).contains("obligation.moved"))
            // limit lists fewer moves and still counts them all.
            let one = try await c.post("/v1/calendar/preview?limit=1", Self.file2027).decode(CalendarPreview.self)
            #expect(one.moves.map(\.title) == ["A"] && one.moved == 2)
        }
        // What a reload does under that file (Recomputation's recompute of the changed year) is what was previewed.
        let candidate = try api.config.configuration.replacing(
            "calendars/cn/2027.json", with: Data(Self.file2027.utf8), origin: "calendars/cn/2027.json")
        let done = try await api.store.transaction(config: candidate, now: API.now, actor: "reload") { r in
            try r.recompute(afterId: 0, limit: 100, years: ["cn/2027"])
        }
        #expect(done.moved == 2 && done.confirmed == 1)
        let stored = try await api.storedObligations()
        #expect(Set(stored.map { "\($0.title) \($0.due)" }) == ["A 2027-02-14", "B 2027-01-11", "D 2027-02-05", "old 2025-07-08"])
    }

    @Test func theSameFileAgainMovesNothing() async throws {
        let api = try API()
        try await api.test { c in
            _ = try await open(c)
            let shipped = try String(
                contentsOf: repositoryRoot().appendingPathComponent("config/calendars/cn/2026.json"), encoding: .utf8)
            let p = try await c.post("/v1/calendar/preview", shipped).decode(CalendarPreview.self)
            #expect(p.examined == 0 && p.moved == 0 && p.current == p.candidate, "\(p)")
        }
    }

    @Test func aFileObligdWouldRefuseIsABadRequestNamingTheProblem() async throws {
        let api = try API()
        try await api.test { c in
            let empty = try await c.request(.post, "/v1/calendar/preview")
            #expect(empty.status == 400 && empty.field == "body", "\(empty)")
            let notJSON = try await c.post("/v1/calendar/preview", "一、元旦：1月1日放假")
            #expect(notJSON.status == 400, "\(notJSON)")
            let monday = Self.file2027.replacingOccurrences(of: "\"2027-02-14\"", with: "\"2027-02-15\"")
            let refused = try await c.post("/v1/calendar/preview", monday)
            #expect(refused.status == 400 && refused.field == "body", "\(refused)")
            #expect((refused.object["error"] as? String)?.contains("2027-02-15 is a Monday") == true, "\(refused)")
            let typo = try await c.post("/v1/calendar/preview", Self.file2027.replacingOccurrences(of: "\"holidays\"", with: "\"holiday\""))
            #expect(typo.status == 400 && (typo.object["error"] as? String)?.contains("holiday") == true, "\(typo)")
            let limit = try await c.post("/v1/calendar/preview?limit=0", Self.file2027)
            #expect(limit.status == 400 && limit.field == "limit", "\(limit)")
        }
    }
}
