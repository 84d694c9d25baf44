import APIModel
import Foundation

extension KnownFields {
    /// A body's shape: its objects with their keys, and the elements of each array merged into one
    /// (every key any element has, with the first value seen). A 300,000-row import is probed as one
    /// record instead of being held as 300,000 trees of values (which doubled the import's time and
    /// memory). Each key keeps where it first appeared (`records[1].att`), so an error still names
    /// the record, and obligctl the line.
    indirect enum Shape {
        case scalar(JSONValue)
        case object([String: Entry])
        case array(Shape?)

        struct Entry {
            var shape: Shape
            /// Where the key first appeared, and its place in the body's order.
            var path: String
            var ordinal: Int
        }

        /// The shape as a value the probe can decode: an array holds its one merged element.
        var value: JSONValue {
            switch self {
            case let .scalar(v): v
            case let .object(entries): .object(entries.mapValues(\.shape.value))
            case let .array(element): .array(element.map { [$0.value] } ?? [])
            }
        }

        /// Reads the shape of `data`, which is strict JSON already (StrictJSON).
        static func read(_ data: Data) throws -> Shape {
            try data.withUnsafeBytes { raw in
                var reader = Reader(bytes: raw.bindMemory(to: UInt8.self))
                var shape: Shape?
                try reader.merge(into: &shape, at: "")
                guard let shape else { throw Reader.Malformed() }
                return shape
            }
        }
    }

    /// A reader of strict JSON that merges what it reads into a `Shape`.
    struct Reader {
        struct Malformed: Error {}

        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        var ordinal = 0

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0a || bytes[i] == 0x0d || bytes[i] == 0x09 { i += 1 }
        }

        /// Reads the value at `i` (found at `path`) into `shape`: an object or array is merged with
        /// what is there, a scalar is kept only where there was none (or null).
        mutating func merge(into shape: inout Shape?, at path: String) throws {
            skipSpace()
            guard i < bytes.count else { throw Malformed() }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                var entries: [String: Shape.Entry] = [:]
                if case let .object(existing)? = shape { entries = existing }
                shape = nil  // no second reference while it grows
                i += 1
                skipSpace()
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                } else {
                    while true {
                        skipSpace()
                        let key = try string()
                        skipSpace()
                        i += 1  // ':'
                        let keyPath = path.isEmpty ? key : path + "." + key
                        var entry =
                            entries.removeValue(forKey: key) ?? Shape.Entry(shape: .scalar(.null), path: keyPath, ordinal: next())
                        var inner: Shape? = entry.shape
                        try merge(into: &inner, at: keyPath)
                        entry.shape = inner ?? .scalar(.null)
                        entries[key] = entry
                        skipSpace()
                        guard i < bytes.count else { throw Malformed() }
                        i += 1
                        if bytes[i - 1] == UInt8(ascii: "}") { break }
                    }
                }
                shape = .object(entries)
            case UInt8(ascii: "["):
                var element: Shape? = nil
                if case let .array(existing)? = shape { element = existing }
                shape = nil
                i += 1
                skipSpace()
                var index = 0
                if bytes[i] == UInt8(ascii: "]") {
                    i += 1
                } else {
                    while true {
                        try merge(into: &element, at: path + "[\(index)]")
                        index += 1
                        skipSpace()
                        guard i < bytes.count else { throw Malformed() }
                        i += 1
                        if bytes[i - 1] == UInt8(ascii: "]") { break }
                    }
                }
                shape = .array(element)
            default:
                switch shape {
                case nil, .scalar(.null)?: shape = .scalar(try scalar())
                default: try skipScalar()
                }
            }
        }

        mutating func next() -> Int {
            ordinal += 1
            return ordinal
        }

        /// A string at `i`; escapes are left to Foundation (rare in obligd's bodies).
        mutating func string() throws -> String {
            let (start, escaped) = try skipString()
            let text = UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(i - 1)])
            guard escaped else { return String(decoding: text, as: UTF8.self) }
            return try JSONDecoder().decode(String.self, from: Data(UnsafeBufferPointer(rebasing: bytes[start..<i])))
        }

        /// Moves past the string at `i`; returns where it started and whether it has escapes.
        mutating func skipString() throws -> (start: Int, escaped: Bool) {
            guard bytes[i] == UInt8(ascii: "\"") else { throw Malformed() }
            let start = i
            var escaped = false
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") {
                    escaped = true
                    i += 1
                }
                i += 1
            }
            guard i < bytes.count else { throw Malformed() }
            i += 1
            return (start, escaped)
        }

        mutating func scalar() throws -> JSONValue {
            switch bytes[i] {
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                i += 4
                return .bool(true)
            case UInt8(ascii: "f"):
                i += 5
                return .bool(false)
            case UInt8(ascii: "n"):
                i += 4
                return .null
            default:
                let start = i
                try skipScalar()
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                if let whole = Int64(text) { return .integer(whole) }
                guard let number = Double(text) else { throw Malformed() }
                return .number(number)
            }
        }

        mutating func skipScalar() throws {
            if bytes[i] == UInt8(ascii: "\"") {
                _ = try skipString()
                return
            }
            let start = i
            while i < bytes.count, !Self.ends.contains(bytes[i]) { i += 1 }
            if i == start { throw Malformed() }
        }

        /// What ends a number or literal.
        static let ends: Set<UInt8> = [0x20, 0x0a, 0x0d, 0x09, UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")]
    }
}
