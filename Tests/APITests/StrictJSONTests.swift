import Foundation
import Testing

/// Bodies are strict JSON (RFC 8259): a trailing comma, a repeated key, a leading zero or a raw
/// control character is a 400 naming what and where, and nothing is written (#13, part 5).
@Suite struct StrictJSONTests {
    static let bad: [(String, String, String)] = [
        (#"{"id": "x",}"#, "body", "trailing comma"),
        (#"{"id": "x", "name": "X", "id": "y"}"#, "id", "given twice"),
        (#"{"id": "x", "name": "X", "labels": {"a": "1", "\u0061": "2"}}"#, "labels.a", "given twice"),
        (#"{"id": "x", "name": "X"} {"#, "body", "after the JSON value"),
        (#"{"id": "x", "name": "X\#u{01}"}"#, "body", "control character"),
        (#"{"id": 'x', "name": "X"}"#, "body", "expected a value"),
        (#"{"id": "x", "name": "X", "labels": [1,]}"#, "body", "trailing comma in an array"),
        (#"{"id": "x", "name": "X", "n": 01}"#, "body", "leading zero"),
        (#"{"id": "x", "name": "X", "n": 1.}"#, "body", "fraction needs a digit"),
        (#"{"id": "x", "name": "\q"}"#, "body", "unknown escape"),
        (#"{"id": "x", "name": "X""#, "body", "not closed"),
        (String(repeating: "[", count: 40) + String(repeating: "]", count: 40), "body", "nested more than")
    ]

    @Test(arguments: 0..<bad.count)
    func aMalformedBodyIs400NamingWhatAndWhere(index: Int) async throws {
        let (body, field, words) = Self.bad[index]
        try await (try API()).test { c in
            let r = try await c.post("/v1/entities", body)
            #expect(r.status == 400 && r.field == field, "\(body): \(r)")
            #expect((r.object["error"] as? String)?.contains(words) == true, "\(body): \(r)")
            #expect((try await c.get("/v1/entities").json as? [Any])?.isEmpty == true, "nothing was written")
        }
    }

    @Test func doneWithATrailingCommaDoesNotCloseTheObligation() async throws {
        try await (try API()).test { c in
            try await c.entity("acme")
            let ok = try await c.post(
                "/v1/obligations", #"{"entity": "acme", "title": "File it", "start": "2025-06-02", "period": "+30wd"}"#)
            let id = try #require(ok.object["id"] as? Int)
            let done = try await c.post("/v1/obligations/\(id)/done", #"{"note": "x",}"#)
            #expect(done.status == 400, "\(done)")
            #expect(try await c.get("/v1/obligations/\(id)").object["status"] as? String == "open")
        }
    }

    @Test func strictJSONStillAcceptsWhatRFC8259Allows() async throws {
        try await (try API()).test { c in
            let r = try await c.post(
                "/v1/entities", " {\"id\":\"acme\" ,\"name\":\"Acme \\u4e2d\\u6587 \\\"Ltd\\\" \\/\",\"labels\":{\"tier\":\"1\"}}\r\n ")
            #expect(r.status == 201, "\(r)")
            #expect(r.object["name"] as? String == "Acme 中文 \"Ltd\" /")
        }
    }
}
