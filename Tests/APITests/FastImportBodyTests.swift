import APIModel
import Daemon
import Foundation
import Testing

/// The import body's own reader (`FastDecodedBody`) against Foundation: what it reads decodes to the
/// same records and fingerprints to the same canonical bytes; whatever it does not read is left to
/// the general path (strict check, `JSONDecoder`), which words the errors.
@Suite struct FastImportBodyTests {
    /// Records with every field present or absent, values at the edges of Int64, text beyond ASCII.
    static func records(_ count: Int) -> [ImportRecord] {
        var g = SystemRandomNumberGenerator()
        let texts = ["acme", "北京数据", "émoji 🚀", "a/b", "x y", "", "2025-05-01", "2025-05-01T08:00:00+08:00"]
        let values: [Int64] = [0, 1, -1, 120_000, .max, .min + 1, 1_000_001]
        func text() -> String { texts.randomElement(using: &g)! }
        func maybe() -> String? { Bool.random(using: &g) ? text() : nil }
        return (0..<count).map { n in
            ImportRecord(
                type: n % 2 == 0 ? "metric" : "event", entity: text(), metric: maybe(),
                value: Bool.random(using: &g) ? values.randomElement(using: &g) : nil, kind: maybe(), at: maybe(), ref: maybe(),
                attributes: n % 5 == 0 ? ["Zeta": text(), "alpha": text(), "b2": text(), "b10": text()] : nil)
        }
    }

    /// The records as a client might send them: compact (Foundation's encoder) or spread over lines.
    static func bodies() throws -> [Data] {
        // As most clients write JSON: Foundation's encoder escapes "/" by default, and an escape is
        // left to the general path.
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let compact = try encoder.encode(ImportBody(records: records(400)))
        let spaced = String(decoding: compact, as: UTF8.self)
            .replacingOccurrences(of: "{\"", with: "{ \"").replacingOccurrences(of: "\":", with: "\" :\t")
            .replacingOccurrences(of: ",\"", with: ",\r\n  \"").replacingOccurrences(of: "},{", with: "} ,\n{")
        return [
            compact, Data(spaced.utf8), Data(#"{"records":[]}"#.utf8), Data(" {\"records\" : [ ] } \n".utf8),
            Data(#"{"records":[{"entity":"acme","type":"metric","value":-0,"metric":"m"}]}"#.utf8)
        ]
    }

    @Test func whatItReadsIsWhatFoundationDecodesAndFingerprintsTheSame() throws {
        for (n, data) in try Self.bodies().enumerated() {
            let fast = try #require(ImportBody.fastDecode(data, canonical: true), "body \(n) was not read")
            let slow = try JSONDecoder().decode(ImportBody.self, from: data)
            let expected = try APIServer.canonical.encode(slow)
            #expect(try APIServer.canonical.encode(fast.body) == expected, "body \(n) decoded differently")
            #expect(Data(fast.canonical) == expected, "body \(n): \(String(decoding: fast.canonical.prefix(300), as: UTF8.self))")
        }
    }

    /// Each is valid or invalid JSON the reader does not take: the general path decides and words it.
    static let leftToTheGeneralPath: [String] = [
        #"{"records":[{"type":"metric","entity":"a\"b"}]}"#,
        #"{"records":[{"type":"metric","entity":"\u0061"}]}"#,
        #"{"records":[{"type":"metric","entity":"a\/b"}]}"#,
        #"{"records":[{"type":"metric","entity":"a","entity":"b"}]}"#,
        #"{"records":[{"type":"metric","entity":"a","colour":"red"}]}"#,
        #"{"records":[{"type":"metric","entity":"a","metric":null}]}"#,
        #"{"records":[{"type":"metric","entity":"a","value":1.5}]}"#,
        #"{"records":[{"type":"metric","entity":"a","value":1e3}]}"#,
        #"{"records":[{"type":"metric","entity":"a","value":01}]}"#,
        #"{"records":[{"type":"metric","entity":"a","value":9223372036854775808}]}"#,
        #"{"records":[{"type":"metric","entity":"a","value":"1"}]}"#,
        #"{"records":[{"type":"metric","entity":"a"},]}"#,
        #"{"records":[{"type":"metric","entity":"a",}]}"#,
        #"{"records":[{"type":"metric"}]}"#,
        #"{"records":[{}]}"#,
        #"{"records":[{"type":"event","entity":"a","attributes":{"k":"1","k":"2"}}]}"#,
        #"{"records":[{"type":"event","entity":"a","attributes":{"k":1}}]}"#,
        #"{"records":[],"extra":1}"#,
        #"{"records":[]} x"#,
        "{\"records\":[{\"type\":\"metric\",\"entity\":\"a\u{2028}b\"}]}",
        "{\"records\":[{\"type\":\"metric\",\"entity\":\"a\u{01}b\"}]}",
        #"{"records":[{"type":"metric","entity":"a"}"#
    ]

    @Test(arguments: 0..<leftToTheGeneralPath.count)
    func aBodyOutsideTheSubsetIsLeftToTheGeneralPath(index: Int) {
        let body = Self.leftToTheGeneralPath[index]
        #expect(ImportBody.fastDecode(Data(body.utf8), canonical: true) == nil, "\(body)")
    }

    @Test func invalidUTF8IsLeftToTheGeneralPath() {
        var bytes = Array(#"{"records":[{"type":"metric","entity":"a"#.utf8)
        bytes += [0xC3, 0x28] + Array(#""}]}"#.utf8)
        #expect(ImportBody.fastDecode(Data(bytes), canonical: true) == nil)
    }

    /// A retry must fingerprint the same whichever path read it: the first body is read by the fast
    /// reader, the retry (the same records, one name written with an escape) by the general path.
    @Test func aRetryReadByTheGeneralPathMatchesTheFirstRequest() async throws {
        try await (try API()).test { c in
            try await c.entity("acme")
            let fast = #"{"records":[{"type":"event","entity":"acme","kind":"important_data_notified","at":"2025-03-03"}]}"#
            let slow = #"{"records": [{"type": "event", "entity": "\u0061cme", "kind": "important_data_notified", "at": "2025-03-03"}]}"#
            let first = try await c.post("/v1/import", fast, headers: ["Idempotency-Key": "imp-1"])
            #expect(first.status == 201, "\(first)")
            let retry = try await c.post("/v1/import", slow, headers: ["Idempotency-Key": "imp-1"])
            #expect(retry.status == 201 && retry.body == first.body, "\(retry)")
            let other = try await c.post(
                "/v1/import", fast.replacingOccurrences(of: "03-03", with: "03-04"), headers: ["Idempotency-Key": "imp-1"])
            #expect(other.status == 409, "\(other)")
        }
    }
}
