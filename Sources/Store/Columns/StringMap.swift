import Foundation
import GRDB

/// A string-to-string map stored as a JSON object with sorted keys: an entity's labels, an event's
/// attributes. Parsed once when the row is read; most events carry none, which costs no parse.
package struct StringMap: Hashable, Sendable, Codable, DatabaseValueConvertible {
    /// The map itself.
    package var values: [String: String]

    /// A map of `values`; empty by default (an event without attributes).
    package init(_ values: [String: String] = [:]) { self.values = values }

    /// The stored form, keys sorted so the same map always gives the same bytes.
    package var json: String {
        guard !values.isEmpty, let data = try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads the stored form; nil when it is not a JSON object of strings.
    package init?(json: String) {
        if json == "{}" {
            values = [:]
            return
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] else { return nil }
        values = object
    }

    /// The stored form (`sqlValue`) as a GRDB value.
    package var databaseValue: DatabaseValue { DatabaseValue(sqlValue) }

    /// Read as `init?(sqlValue:)` reads the stored form.
    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> StringMap? { StringMap(sqlValue: SQLValue(dbValue)) }

    /// Reads the JSON text form, as audit rows hold it; anything but an object of strings is a decoding error.
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let map = StringMap(json: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "'\(text)' is not a JSON object of strings"))
        }
        self = map
    }

    /// Writes the JSON text form (sorted keys), so an audit row holds the map as the column does.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(json)
    }
}
