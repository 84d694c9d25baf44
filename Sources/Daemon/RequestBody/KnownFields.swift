import APIModel
import Foundation
import Store

/// Refuses a request body that carries a field its type does not read. Foundation's decoder skips
/// unknown keys, so a misspelled optional field was acted on as if absent: `"att"` for `"at"`
/// recorded a metric at the time of the request instead of the day given, and `"zon"` for `"zone"`
/// created an entity in Asia/Shanghai, each deadline then counted in the wrong zone, all with 200.
///
/// Which fields a type reads is learnt from the type itself, not from a list kept beside it: the
/// body's shape (`Shape`, each array's elements merged into one) is decoded once more through
/// `Probe`, which notes every key the type asks for at each path (a dictionary, which asks for all
/// its keys, accepts any). A key nobody asked for is unknown. A type the probe cannot follow is let
/// through unchecked, as before.
enum KnownFields {
    /// Throws `StoreError.invalid` naming the first unknown field of `data` (in the body's order) and
    /// the fields known at its place; returns when every field is read by `B`.
    static func check<B: Decodable>(_ data: Data, as _: B.Type) throws {
        guard let shape = try? Shape.read(data) else { return }
        let asked = Asked()
        guard (try? B(from: Probe(value: shape.value, codingPath: [], asked: asked))) != nil else { return }
        guard let (field, key, known) = asked.firstUnknown(in: shape) else { return }
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

        /// The unknown key that comes first in the body, where it first appeared, and the keys known
        /// at its place. `shape`'s arrays hold one merged element, which the probe saw as `[0]`.
        func firstUnknown(in shape: Shape) -> (field: String, key: String, known: [String])? {
            var first: (ordinal: Int, field: String, key: String, known: [String])?
            func walk(_ shape: Shape, at path: String) {
                switch shape {
                case let .object(entries):
                    let known = open.contains(path) ? nil : keys[path] ?? []
                    for (name, entry) in entries {
                        if let known, !known.contains(name), entry.ordinal < first?.ordinal ?? .max {
                            first = (entry.ordinal, entry.path, name, known.sorted())
                        }
                        walk(entry.shape, at: joined(path, Key(name)))
                    }
                case let .array(element?): walk(element, at: path + "[0]")
                default: break
                }
            }
            walk(shape, at: "")
            return first.map { ($0.field, $0.key, $0.known) }
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
