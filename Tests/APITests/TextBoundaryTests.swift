import APIModel
import DeadlineKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Store
import Testing

@testable import Daemon

/// Issue #34: text that no field may hold is refused by one rule where every body is read
/// (`StrictJSON`), naming the field and writing nothing; what the audit trail records is what the
/// state holds; the fields of the malformed-request findings are named as the user wrote them.
@Suite struct TextBoundaryTests {
    /// A valid body of each writing route, each of whose texts (values and map keys) gets a NUL.
    static var bodies: [(path: String, body: [String: Any])] {
        [
            (
                "/v1/entities",
                [
                    "id": "corp", "name": "Corp Ltd", "zone": "Asia/Shanghai", "region": "cn", "owner": "alice",
                    "labels": ["team": "legal"]
                ]
            ),
            (
                "/v1/events",
                [
                    "entity": "acme", "kind": "rectification_notice_shanghai", "at": "2025-06-03", "ref": "R-2",
                    "attributes": ["period": "+10wd"]
                ]
            ),
            ("/v1/metrics", ["entity": "acme", "metric": "facial_recognition_individuals", "value": 150_000, "at": "2025-06-01"]),
            ("/v1/obligations", ["entity": "acme", "title": "Reply", "start": "2025-06-03", "period": "+10wd", "roll": "forward"]),
            ("/v1/obligations/1/done", ["date": "2025-06-10", "note": "filed"]),
            ("/v1/obligations/1/waive", ["note": "not ours"]),
            ("/v1/obligations/1/ack", ["note": "mine", "until": "2025-06-20"]),
            ("/v1/feeds", ["label": "legal team", "entity": "acme"]),
            (
                "/v1/import",
                [
                    "records": [
                        [
                            "type": "event", "entity": "acme", "kind": "rectification_notice_shanghai", "ref": "R-9",
                            "attributes": ["period": "+5wd"]
                        ]
                    ]
                ]
            ),
            ("/v1/backup", ["path": "/tmp/obligd-nul-test.sqlite"])
        ]
    }

    /// Every (path to a text, body with a NUL in it) of `body`: each string value, and each key of a map.
    static func variants(_ value: Any, path: String = "") -> [(String, Any)] {
        let nul = "\u{0}x"
        switch value {
        case let s as String: return [(path, s + nul)]
        case let object as [String: Any]:
            var out: [(String, Any)] = []
            let isMap = ["labels", "attributes"].contains(path.split(separator: ".").last.map(String.init) ?? "")
            for (k, v) in object {
                let here = path.isEmpty ? k : "\(path).\(k)"
                for (p, changed) in variants(v, path: here) {
                    var copy = object
                    copy[k] = changed
                    out.append((p, copy))
                }
                if isMap {
                    var copy = object
                    copy[k] = nil
                    copy[k + nul] = v
                    out.append((path + "." + k + "\\u0000x", copy))
                }
            }
            return out
        case let array as [Any]:
            return array.enumerated().flatMap { i, v in
                variants(v, path: "\(path)[\(i)]").map { p, changed in
                    var copy = array
                    copy[i] = changed
                    return (p, copy as Any)
                }
            }
        default: return []
        }
    }

    @Test func aNulInAnyTextOfAnyBodyIsRefusedByFieldAndWritesNothing() async throws {
        let api = try API()
        try await api.test { c in
            try await c.entity("acme")
            #expect(
                try await c.post("/v1/obligations", #"{"entity":"acme","title":"T","start":"2025-06-03","period":"+10wd"}"#).status == 201)
            let before = try await c.get("/v1/audit?limit=10000").body
            let state = try await [c.get("/v1/entities").body, c.get("/v1/obligations?status=all").body, c.get("/v1/events").body]
            var tried = 0
            for (path, body) in Self.bodies {
                for (field, changed) in Self.variants(body) {
                    let json = String(decoding: try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys]), as: UTF8.self)
                    #expect(json.contains("\\u0000"), "\(json)")
                    let r = try await c.post(path, json)
                    #expect(r.status == 400, "\(path) \(field): \(r)")
                    #expect(r.field == field, "\(path) \(field): \(r)")
                    #expect((r.object["error"] as? String)?.contains("NUL") == true, "\(path) \(field): \(r)")
                    tried += 1
                }
            }
            #expect(tried >= 30, "every text of every body: \(tried)")
            #expect(try await c.get("/v1/audit?limit=10000").body == before, "nothing was audited")
            let after = try await [c.get("/v1/entities").body, c.get("/v1/obligations?status=all").body, c.get("/v1/events").body]
            #expect(after == state, "nothing was written")
        }
    }

    /// What an audit row records of a text is what the state stores: texts at the edges of what is
    /// allowed (escapes, line separators, astral characters, combining marks) come back the same from both.
    @Test func theAuditTrailRecordsTheTextTheStateStores() async throws {
        let api = try API()
        let odd = "Ünïcode \u{2028}\u{2029} 𝄞 e\u{301} \\ \"q\" / 合规"
        try await api.test { c in
            let entity: [String: Any] = [
                "id": "odd", "name": odd, "zone": "Asia/Shanghai", "owner": odd, "labels": [odd: odd]
            ]
            let data = try JSONSerialization.data(withJSONObject: entity)
            #expect(try await c.post("/v1/entities", String(decoding: data, as: UTF8.self)).status == 201)
            let custom = try JSONSerialization.data(withJSONObject: [
                "entity": "odd", "title": odd, "start": "2025-06-03", "period": "+10wd"
            ])
            let opened = try await c.post("/v1/obligations", String(decoding: custom, as: UTF8.self))
            #expect(opened.status == 201, "\(opened)")
            let id = try opened.decode(ObligationView.self).id
            let note = try JSONSerialization.data(withJSONObject: ["note": odd + "\n\tsecond line"])
            #expect(try await c.post("/v1/obligations/\(id)/done", String(decoding: note, as: UTF8.self)).status == 200)

            // A text with a NUL (#34: SQLite's C API stored `Asia/Shanghai` where the audit row kept
            // `Asia/Shanghai\u0000x`): refused now; were it taken, state and audit would have to agree.
            for (i, nul) in [["zone": "Asia/Shanghai\u{0}x"], ["name": "N\u{0}x"], ["owner": "o\u{0}x"]].enumerated() {
                let body = try JSONSerialization.data(withJSONObject: ["id": "nul\(i)", "name": "N"].merging(nul) { $1 })
                guard try await c.post("/v1/entities", String(decoding: body, as: UTF8.self)).status == 201 else { continue }
                let row = try await c.get("/v1/audit?limit=10000").decode([AuditRecord].self).last { $0.subject == "entity:nul\(i)" }
                let audited = try JSONSerialization.jsonObject(with: Data((row?.after ?? "{}").utf8)) as? [String: Any] ?? [:]
                let e = try await api.store.snapshot(config: api.config.configuration, now: API.now) { r in try r.findEntity("nul\(i)") }
                let key = nul.keys.first!
                let stored: String? = key == "zone" ? e?.zone : key == "name" ? e?.name : e?.owner
                #expect(
                    audited[key] as? String == stored,
                    "\(key): audited \(String(describing: audited[key])), stored \(String(describing: stored))")
            }

            let audit = try await c.get("/v1/audit?limit=10000").decode([AuditRecord].self)
            func after(_ action: String, _ subject: String) throws -> [String: Any] {
                let row = try #require(audit.last { $0.action == action && $0.subject == subject }, "\(audit.map(\.action))")
                return try #require(try JSONSerialization.jsonObject(with: Data((row.after ?? "").utf8)) as? [String: Any])
            }
            // The state, read past the API.
            let stored = try await api.store.snapshot(config: api.config.configuration, now: API.now) { r in
                (try r.findEntity("odd"), try r.findObligation(id))
            }
            let e = try #require(stored.0)
            let audited = try after("entity.created", "entity:odd")
            #expect(audited["name"] as? String == e.name && e.name == odd)
            #expect(audited["owner"] as? String == e.owner && e.owner == odd)
            #expect(audited["zone"] as? String == e.zone)
            // Labels are audited in their stored form, a JSON object of strings in a string.
            let labels = (audited["labels"] as? String).flatMap { StringMap(json: $0) }
            #expect(labels?.values == e.labels.values && e.labels.values == [odd: odd], "\(audited)")
            let o = try #require(stored.1)
            let closed = try after("obligation.done", "obligation:\(id)")
            #expect(closed["title"] as? String == o.title && o.title == odd)
            #expect(closed["closedNote"] as? String == o.closedNote && o.closedNote == odd + "\n\tsecond line")
            #expect(audit.last { $0.action == "obligation.done" && $0.subject == "obligation:\(id)" }?.note == o.closedNote)
            #expect(try after("obligation.opened", "obligation:\(id)")["title"] as? String == odd)
        }
    }

    /// The malformed-request findings of #34, each named as the user wrote it.
    @Test func fieldsAreNamedAsTheUserWroteThem() async throws {
        let api = try API()
        try await api.test { c in
            try await c.entity("acme")
            let null = try await c.post("/v1/entities", "null")
            #expect(null.status == 400 && null.field == "body", "\(null)")
            let noValue = try await c.post(
                "/v1/import", #"{"records":[{"type":"metric","entity":"acme","metric":"facial_recognition_individuals"}]}"#)
            #expect(noValue.status == 400 && noValue.field == "records[0].value", "\(noValue)")
            let noMetric = try await c.post("/v1/import", #"{"records":[{"type":"metric","entity":"acme","value":1}]}"#)
            #expect(noMetric.status == 400 && noMetric.field == "records[0].metric", "\(noMetric)")
            for expires in ["9999-12-31", "2007-06-30"] {
                let r = try await c.post(
                    "/v1/events",
                    #"{"entity":"acme","kind":"pi_export_certificate_issued","at":"2025-06-03","attributes":{"expires":"\#(expires)"}}"#)
                #expect(r.status == 400 && r.field == "attributes.expires", "\(expires): \(r)")
                #expect((r.object["error"] as? String)?.hasPrefix("'\(expires)'") == true, "\(expires): \(r)")
            }
            #expect(try await c.get("/v1/events").decode([EventView].self).isEmpty, "nothing was written")
        }
    }

    /// RFC 8259 §8.1: JSON text is UTF-8. A body that is not is invalid JSON, on every route, whatever
    /// its field names would have said.
    @Test func aBodyThatIsNotUTF8IsInvalidJSON() async throws {
        let api = try API()
        try await api.test { c in
            let bad: [[UInt8]] = [
                Array(#"{"id":""#.utf8) + [0xFF, 0xFE] + Array(#"","name":"x"}"#.utf8),
                Array(#"{"id":"a"#.utf8) + [0xC0, 0xAF] + Array(#"","name":"x"}"#.utf8),  // overlong "/"
                Array(#"{"id":"a"#.utf8) + [0xED, 0xA0, 0x80] + Array(#"","name":"x"}"#.utf8),  // a surrogate
                Array(#"{"id":"a"#.utf8) + [0xE6, 0x88] + Array(#"","name":"x"}"#.utf8)  // cut short
            ]
            for path in ["/v1/entities", "/v1/events", "/v1/obligations", "/v1/backup"] {
                for bytes in bad {
                    let r = try await c.client.execute(
                        uri: path, method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: bytes)
                    ) { r in Answer(status: Int(r.status.code), body: Data(r.body.readableBytesView)) }
                    #expect(r.status == 400 && r.field == "body", "\(path) \(bytes): \(r)")
                    #expect((r.object["error"] as? String)?.contains("is not valid JSON: a string is not UTF-8") == true, "\(r)")
                }
            }
            let fine = try await c.post("/v1/entities", #"{"id":"u","name":"合规 𝄞"}"#)
            #expect(fine.status == 201, "\(fine)")
        }
    }

    /// Booleans in a query are `true` or `false` as openapi.yaml says; anything else is refused by name.
    @Test func aQueryBooleanIsTrueOrFalse() async throws {
        let api = try API()
        try await api.test { c in
            for (path, name) in [("/v1/events", "all"), ("/v1/classifications", "all"), ("/v1/obligations/1", "explain")] {
                for text in ["AAA", "1", "1.17e308", "TRUE", ""] {
                    let r = try await c.get("\(path)?\(name)=\(text)")
                    #expect(r.status == 400 && r.field == name, "\(path)?\(name)=\(text): \(r)")
                }
            }
            #expect(try await c.get("/v1/events?all=true").status == 200)
            #expect(try await c.get("/v1/classifications?all=false").status == 200)
        }
    }

    /// `Idempotency-Key` and `X-Obligd-Actor` are held to openapi.yaml's bounds on every route, the
    /// backup's included, before anything is done.
    @Test func headersAreCheckedOnEveryRoute() async throws {
        let api = try API()
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("obligd-\(UUID().uuidString).sqlite").path
        try await api.test { c in
            let body = #"{"path":"\#(target)"}"#
            for headers in [
                ["X-Obligd-Actor": String(repeating: "a", count: 65)], ["Idempotency-Key": "with space"],
                ["Idempotency-Key": String(repeating: "k", count: 256)]
            ] {
                let r = try await c.post("/v1/backup", body, headers: headers)
                #expect(r.status == 400 && r.field == headers.keys.first, "\(headers): \(r)")
                #expect(!FileManager.default.fileExists(atPath: target), "no backup was written")
                let read = try await c.request(.get, "/v1/entities", headers: headers)
                #expect(read.status == 400 && read.field == headers.keys.first, "\(headers): \(read)")
            }
            let text = try await c.request(.post, "/v1/backup", body: body, headers: ["Content-Type": "text/plain"])
            #expect(text.status == 415, "\(text)")
        }
    }

    /// HTTP's `Date` is IMF-fixdate (RFC 9110 §5.6.7), not ISO 8601: parsed here as RFC 9110 gives it.
    @Test func theDateHeaderIsAnIMFFixdate() async throws {
        let api = try API()
        try await api.test { c in
            let date = try await c.client.execute(uri: "/v1/health", method: .get) { r in r.headers[.date] }
            let text = try #require(date)
            // IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT; date1 = day SP month SP year.
            let pattern =
                #/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/#
            let m = try #require(text.wholeMatch(of: pattern), "\(text)")
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            var parts = DateComponents()
            parts.timeZone = TimeZone(identifier: "GMT")
            (parts.day, parts.month, parts.year) = (Int(m.2), months.firstIndex(of: String(m.3))! + 1, Int(m.4))
            (parts.hour, parts.minute, parts.second) = (Int(m.5), Int(m.6), Int(m.7))
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "GMT")!
            let parsed = try #require(calendar.date(from: parts))
            #expect(abs(parsed.timeIntervalSinceNow) < 5, "\(text) is now")
            let weekday = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][calendar.component(.weekday, from: parsed) - 1]
            #expect(weekday == String(m.1), "\(text): the day name is that date's")
        }
        // RFC 9110's own example.
        #expect(RouteTable.imfFixdate(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }
}
