import Foundation
import Testing

/// Free text is bounded and free of control characters, and a body that is not JSON is 415, each
/// refused with the field to fix and nothing written (#13).
@Suite struct LimitsTests {
    @Test func oversizedAndControlCharacterTextIsRefusedAndNothingIsWritten() async throws {
        try await (try API()).test { c in
            let long = try await c.post("/v1/entities", #"{"id": "acme", "name": "\#(String(repeating: "a", count: 300))"}"#)
            #expect(long.status == 400 && long.field == "name", "\(long)")
            let nul = try await c.post("/v1/entities", #"{"id": "acme", "name": "Acme\u0000 Ltd"}"#)
            #expect(nul.status == 400 && nul.field == "name", "\(nul)")
            let none = try await c.get("/v1/entities").json as? [Any]
            #expect(none?.isEmpty == true, "nothing was written")
            try await c.entity("acme")
            let title = try await c.post(
                "/v1/obligations",
                #"{"entity": "acme", "title": "\#(String(repeating: "t", count: 1025))", "start": "2025-06-02", "period": "+30wd"}"#)
            #expect(title.status == 400 && title.field == "title", "\(title)")
            let ok = try await c.post(
                "/v1/obligations", #"{"entity": "acme", "title": "File it", "start": "2025-06-02", "period": "+30wd"}"#)
            #expect(ok.status == 201, "\(ok)")
            let id = try #require(ok.object["id"] as? Int)
            let note = try await c.post("/v1/obligations/\(id)/waive", #"{"note": "not in scope\u0007"}"#)
            #expect(note.status == 400 && note.field == "note", "\(note)")
            let multiline = try await c.post("/v1/obligations/\(id)/waive", #"{"note": "not in scope:\nno facial data"}"#)
            #expect(multiline.status == 200, "newlines are fine in a note: \(multiline)")
        }
    }

    @Test func aBodyThatIsNotJSONIs415() async throws {
        try await (try API()).test { c in
            let r = try await c.request(
                .post, "/v1/entities", body: #"{"id": "acme", "name": "Acme"}"#, headers: ["Content-Type": "text/plain"])
            #expect(r.status == 415 && r.field == "Content-Type", "\(r)")
            let entities = try await c.get("/v1/entities").json as? [Any]
            #expect(entities?.isEmpty == true)
        }
    }
}
