import APIModel
import Foundation
import Store

/// Refuses a request body that carries a field its type does not read. Foundation's decoder skips
/// unknown keys, so a misspelled optional field was acted on as if absent: `"att"` for `"at"`
/// recorded a metric at the time of the request instead of the day given, and `"zon"` for `"zone"`
/// created an entity in Asia/Shanghai, each deadline then counted in the wrong zone, all with 200.
///
/// Which fields a type reads is learnt from the type itself, not from a list kept beside it: the
/// decoded body's JSON is decoded once more through `Probe`, which notes every key the type asks
/// for at each path (a dictionary, which asks for all its keys, accepts any). A key nobody asked
/// for is unknown. A type the probe cannot follow is let through unchecked, as before.
enum KnownFields {
    /// Throws `StoreError.invalid` naming the first unknown field of `data` (depth first, keys in
    /// order) and the fields known at its place; returns when every field is read by `B`.
    static func check<B: Decodable>(_ data: Data, as _: B.Type) throws {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: data) else { return }
        let asked = Asked()
        guard (try? B(from: Probe(value: root, codingPath: [], asked: asked))) != nil else { return }
        guard let (field, key, known) = asked.firstUnknown(in: root, at: "") else { return }
        let fix =
            known.isEmpty
            ? "remove it; see openapi.yaml for the fields of this request"
            : "remove it or correct its name; the fields here are \(known.joined(separator: ", ")) (openapi.yaml)"
        throw StoreError.invalid(field: field, problem: "unknown field '\(key)'", fix: fix)
    }

    /// `records[0].at`: keys joined with dots, array indexes in brackets (as every error of the API).
    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { joined($0, $1) }
    }

    static func joined(_ path: String, _ key: any CodingKey) -> String {
        if let index = key.intValue { return path + "[\(index)]" }
        return path.isEmpty ? key.stringValue : path + "." + key.stringValue
    }

    /// The keys a type asked for, by the path of their object.
    final class Asked {
        var keys: [String: Set<String>] = [:]
        /// Objects read as dictionaries: every key is theirs.
        var open: Set<String> = []

        func firstUnknown(in value: JSONValue, at path: String) -> (field: String, key: String, known: [String])? {
            switch value {
            case let .object(fields):
                let names = fields.keys.sorted()
                if !open.contains(path) {
                    let known = keys[path] ?? []
                    if let key = names.first(where: { !known.contains($0) }) {
                        return (joined(path, Key(key)), key, known.sorted())
                    }
                }
                for name in names {
                    if let found = firstUnknown(in: fields[name]!, at: joined(path, Key(name))) { return found }
                }
            case let .array(items):
                for (i, item) in items.enumerated() {
                    if let found = firstUnknown(in: item, at: path + "[\(i)]") { return found }
                }
            default: break
            }
            return nil
        }
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int?
        init(_ string: String) { stringValue = string }
        init(stringValue: String) { self.stringValue = stringValue }
        init(intValue: Int) {
            stringValue = "\(intValue)"
            self.intValue = intValue
        }
    }
}
