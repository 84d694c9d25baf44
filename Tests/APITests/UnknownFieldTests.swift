import Foundation
import Testing

/// A field a request does not take is refused by name, with the fields it does take, and nothing is
/// written. Before, Foundation's decoder skipped it: `"att"` for `"at"` recorded a metric at the
/// time of the request, `"zon"` for `"zone"` created the entity in Asia/Shanghai, both with 201.
@Suite struct UnknownFieldTests {
    /// (path, body with one misspelled or unknown field, the field the answer names, a field it lists).
    static let cases: [(String, String, String, String)] = [
        ("/v1/entities", #"{"id": "beta", "name": "Beta", "zon": "Europe/Paris"}"#, "zon", "zone"),
        ("/v1/metrics", #"{"entity": "acme", "metric": "registered_users", "value": 9, "att": "2025-01-01"}"#, "att", "at"),
        ("/v1/events", #"{"entity": "acme", "kind": "important_data_notified", "att": "2025-03-03"}"#, "att", "at"),
        ("/v1/obligations", #"{"entity": "acme", "title": "T", "start": "2025-06-02", "period": "+5wd", "rol": "x"}"#, "rol", "roll"),
        ("/v1/obligations/1/done", #"{"dat": "2025-06-10"}"#, "dat", "date"),
        ("/v1/obligations/1/waive", #"{"note": "out of scope", "reason": "x"}"#, "reason", "note"),
        ("/v1/obligations/1/ack", #"{"note": "Li Wei", "untill": "2025-07-01"}"#, "untill", "until"),
        (
            "/v1/import",
            #"{"records": [{"type": "metric", "entity": "acme", "metric": "registered_users", "value": 1, "at": "2025-01-01"},"#
                + #"{"type": "metric", "entity": "acme", "metric": "registered_users", "value": 2, "att": "2025-01-02"}]}"#,
            "records[1].att", "at"
        ),
        ("/v1/metrics/1/retract", #"{"reason": "typo", "note": "x"}"#, "note", "reason"),
        ("/v1/feeds", #"{"label": "ops", "entiy": "acme"}"#, "entiy", "entity"),
        ("/v1/backup", #"{"kep": 2}"#, "kep", "keep")
    ]

    @Test(arguments: 0..<cases.count)
    func anUnknownFieldIsRefusedByNameAndNothingIsWritten(index: Int) async throws {
        let (path, body, field, listed) = Self.cases[index]
        try await (try API()).test { c in
            try await c.entity("acme")
            _ = try await c.fact("/v1/metrics", #"{"entity": "acme", "metric": "facial_recognition_individuals", "value": 120000}"#)
            let before = try await c.get("/v1/audit").body
            let r = try await c.post(path, body)
            #expect(r.status == 400 && r.field == field, "\(path) \(body): \(r)")
            #expect((r.object["error"] as? String) == "unknown field '\(field.split(separator: ".").last!)'", "\(r)")
            #expect((r.object["fix"] as? String)?.contains(listed) == true, "\(r)")
            #expect(try await c.get("/v1/audit").body == before, "nothing was written: \(path)")
        }
    }

    /// The check reads an import's records merged into one shape: an unknown key is still named by
    /// the first record that has it, in the body's order, and a map or escaped key in a later record
    /// is read as such.
    @Test func anUnknownFieldIsNamedByTheFirstRecordThatHasIt() async throws {
        @Sendable func record(_ n: Int, _ extra: String = "") -> String {
            #"{"type": "event", "entity": "acme", "kind": "pi_export_certificate_issued", "at": "2026-01-0\#(n)""#
                + #", "ref": "C-\#(n)"\#(extra)}"#
        }
        try await (try API()).test { c in
            try await c.entity("acme")
            let later = [
                record(1), record(2, #", "attributes": {"expires": "2029-01-01"}"#), record(3, #", "zz": 1"#),
                record(4, #", "aa": 1"#)
            ]
            let r = try await c.post("/v1/import", #"{"records": [\#(later.joined(separator: ", "))]}"#)
            #expect(r.status == 400 && r.field == "records[2].zz", "\(r)")
            // "\u0061ttributes" is "attributes": known, and its map takes the kind's attribute.
            let escaped = [
                record(1, #", "attributes": {"expires": "2029-01-01"}"#), record(2, #", "\u0061ttributes": {"expires": "2029-01-02"}"#)
            ]
            let fine = try await c.post("/v1/import", #"{"records": [\#(escaped.joined(separator: ", "))]}"#)
            #expect(fine.status == 201 || fine.status == 200, "\(fine)")
        }
    }

    /// Maps accept any key, and a body with every field it takes is accepted.
    @Test func labelsAndAttributesTakeAnyKeyAndKnownFieldsPass() async throws {
        try await (try API()).test { c in
            let entity = #"""
                {"id": "beta", "name": "B", "zone": "Asia/Shanghai", "region": "cn", "owner": "li",
                 "labels": {"anything": "x"}}
                """#
            let e = try await c.post("/v1/entities", entity)
            #expect(e.status == 201, "\(e)")
            let event = #"""
                {"entity": "beta", "kind": "pi_export_certificate_issued", "at": "2026-01-05", "ref": "C-1",
                 "attributes": {"expires": "2029-01-04"}}
                """#
            let r = try await c.post("/v1/events", event)
            #expect(r.status == 201, "\(r)")
        }
    }
}

/// A query parameter a route does not take is refused by name, with those it takes: a misspelled
/// filter answered with the unfiltered list, which looks like an answer to the question asked.
@Suite struct UnknownQueryParameterTests {
    @Test(arguments: [
        ("/v1/obligations?statsu=done", "statsu", "dueBefore, entity, limit, status"),
        ("/v1/obligations?entity=acme&entitiy=beta", "entitiy", "dueBefore, entity, limit, status"),
        ("/v1/obligations/1?explian=1", "explian", "explain"),
        ("/v1/events?kinds=x", "kinds", "all, entity, kind, limit"),
        ("/v1/entities?limit=5", "limit", "takes no query parameters")
    ])
    func anUnknownQueryParameterIsRefusedByName(uri: String, name: String, listed: String) async throws {
        try await (try API()).test { c in
            try await c.entity("acme")
            let r = try await c.get(uri)
            #expect(r.status == 400 && r.field == name, "\(uri): \(r)")
            #expect((r.object["fix"] as? String)?.contains(listed) == true, "\(r)")
        }
    }

    @Test func aParameterGivenTwiceIsRefused() async throws {
        try await (try API()).test { c in
            let r = try await c.get("/v1/obligations?status=open&status=done")
            #expect(r.status == 400 && r.field == "status", "\(r)")
            #expect((r.object["error"] as? String)?.contains("given twice") == true, "\(r)")
        }
    }

    @Test func aBodyThatIsNotAnObjectIsNamedAsTheBody() async throws {
        try await (try API()).test { c in
            for body in ["[]", #""x""#, "7"] {
                let r = try await c.post("/v1/entities", body)
                #expect(r.status == 400 && r.field == "body", "\(body): \(r)")
                #expect((r.object["error"] as? String) == "the body is not an object", "\(body): \(r)")
            }
        }
    }

    @Test func knownParametersAndPathsOutsideTheAPIPass() async throws {
        try await (try API()).test { c in
            try await c.entity("acme")
            #expect(try await c.get("/v1/obligations?entity=acme&status=all&limit=5").status == 200)
            #expect(try await c.get("/v1/audit?after=0&limit=1").status == 200)
            #expect(try await c.get("/metrics?anything=1").status == 200, "scrapers add their own")
            #expect(try await c.get("/v1/nothing?x=1").status == 404, "no route is still 404")
        }
    }
}
