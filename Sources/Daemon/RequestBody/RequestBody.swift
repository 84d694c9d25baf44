import Foundation
import Store

/// How every JSON request body is read, so no route reads one more loosely than another: strict
/// JSON first (`StrictJSON`), then Foundation's decoder, then no field the type does not take
/// (`KnownFields`).
enum RequestBody {
    /// `data` (not empty) as a `B`, or the error that names what to fix.
    static func decode<B: Decodable>(_: B.Type, from data: Data) throws -> B {
        try StrictJSON.check(data)
        let decoded: B
        do {
            decoded = try JSONDecoder().decode(B.self, from: data)
        } catch DecodingError.dataCorrupted(let ctx) where ctx.codingPath.isEmpty {
            // Strict JSON by now: what did not fit is a number (1.5 where a count belongs).
            guard let (field, text) = StrictJSON.firstInexactNumber(data) else { throw DecodingError.dataCorrupted(ctx) }
            throw StoreError.invalid(field: field, problem: "\(text) is not a whole number", fix: "send a whole number, e.g. 120000")
        }
        try KnownFields.check(data, as: B.self)
        return decoded
    }
}
