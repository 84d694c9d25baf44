import Foundation
import Store

/// A strict RFC 8259 check of a request body before it is decoded: Foundation's decoder accepts a
/// trailing comma (`{"id":"x",}`) and lets a repeated key silently win, so a malformed or ambiguous
/// body could be acted on. Errors name the byte offset, or the key path of a repeated key.
///
/// It is also the one place where text is refused for what no field may hold, so no route has to
/// remember it: bytes that are not UTF-8 (RFC 8259 §8.1; Foundation would guess another encoding)
/// and a NUL (`\u0000`) in any string or key, which SQLite's C API would cut the stored text at
/// while the audit row kept all of it.
enum StrictJSON {
    /// Nesting deeper than this is refused (no request of obligd's API needs more than a few levels).
    static let maxDepth = 32

    /// Throws `StoreError.invalid` naming what is wrong and where; returns when `data` is one JSON value.
    static func check(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var p = Parser(bytes: raw.bindMemory(to: UInt8.self))
            p.skipSpace()
            try p.value(depth: 0)
            p.skipSpace()
            if p.i < p.bytes.count { throw p.fail("unexpected \(p.describe()) after the JSON value") }
        }
    }

    /// Where the parser is, rendered only for an error: building a path string per key would cost
    /// more than the rest of the check on a large import.
    private enum Component {
        case key(Range<Int>, escaped: Bool)
        case index(Int)
    }

    /// The path and text of the first number in `data` that is not a whole number within Int64 (1.5,
    /// 1e99), nil when there is none: Foundation's decoder reports such a value as "not valid JSON"
    /// without saying where, and every number obligd's API takes is a whole number.
    static func firstInexactNumber(_ data: Data) -> (field: String, text: String)? {
        data.withUnsafeBytes { raw in
            var p = Parser(bytes: raw.bindMemory(to: UInt8.self))
            p.skipSpace()
            try? p.value(depth: 0)
            return p.inexact
        }
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        var stack: [Component] = []
        var inexact: (field: String, text: String)?

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ problem: String, field: String = "body") -> StoreError {
            .invalid(field: field, problem: "is not valid JSON: \(problem) at byte \(i)", fix: "send one strict JSON value (RFC 8259)")
        }

        func describe() -> String {
            guard i < bytes.count else { return "end of the body" }
            let b = bytes[i]
            return b >= 0x20 && b < 0x7f ? "'\(Character(UnicodeScalar(b)))'" : String(format: "byte 0x%02x", b)
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0a || bytes[i] == 0x0d { i += 1 }
        }

        mutating func expect(_ b: UInt8, _ what: String) throws {
            guard i < bytes.count, bytes[i] == b else { throw fail("expected \(what), found \(describe())") }
            i += 1
        }

        mutating func value(depth: Int) throws {
            guard depth <= StrictJSON.maxDepth else { throw fail("nested more than \(StrictJSON.maxDepth) levels deep") }
            guard i < bytes.count else { throw fail("expected a value, found the end of the body") }
            switch bytes[i] {
            case UInt8(ascii: "{"): try object(depth: depth)
            case UInt8(ascii: "["): try array(depth: depth)
            case UInt8(ascii: "\""):
                let s = try string()
                if s.nul { throw nulRefusal() }
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
            default: throw fail("expected a value, found \(describe())")
            }
        }

        mutating func literal(_ word: StaticString) throws {
            let n = word.utf8CodeUnitCount
            guard i + n <= bytes.count, memcmp(bytes.baseAddress! + i, word.utf8Start, n) == 0 else {
                throw fail("expected \(word), found \(describe())")
            }
            i += n
        }

        mutating func number() throws {
            let start = i
            defer {
                if inexact == nil {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
                    if Int64(text) == nil { inexact = (path(), text) }
                }
            }
            if bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a number needs a digit, found \(describe())") }
            if bytes[i] == UInt8(ascii: "0") {
                i += 1
                if i < bytes.count, isDigit(bytes[i]) { throw fail("a number cannot have a leading zero") }
            } else {
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("a fraction needs a digit, found \(describe())") }
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard i < bytes.count, isDigit(bytes[i]) else { throw fail("an exponent needs a digit, found \(describe())") }
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            }
        }

        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

        /// The 400 for a NUL in the string just read, naming its key path (the key's own, for a key).
        func nulRefusal() -> StoreError {
            let field = path().replacingOccurrences(of: "\u{0}", with: "\\u0000")
            return .invalid(
                field: field.isEmpty ? "body" : field, problem: "contains a NUL character (\\u0000)",
                fix: "remove it: no text obligd stores may hold U+0000")
        }

        /// Reads a string; returns its raw bytes between the quotes (escapes not decoded), whether it
        /// had any escape, and whether one of them was a NUL (`\u0000`).
        mutating func string() throws -> (Range<Int>, escaped: Bool, nul: Bool) {
            try expect(UInt8(ascii: "\""), "'\"'")
            let start = i
            var escaped = false
            var nul = false
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    return (start..<(i - 1), escaped, nul)
                }
                if b >= 0x80 {
                    guard let n = utf8Sequence(at: i) else { throw fail("a string is not UTF-8 (RFC 8259 §8.1)") }
                    i += n
                    continue
                }
                if b < 0x20 { throw fail("a control character (0x\(String(b, radix: 16))) must be escaped inside a string") }
                if b == UInt8(ascii: "\\") {
                    escaped = true
                    i += 1
                    guard i < bytes.count else { break }
                    switch bytes[i] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 1
                    case UInt8(ascii: "u"):
                        guard i + 4 < bytes.count, (1...4).allSatisfy({ isHex(bytes[i + $0]) }) else {
                            throw fail("\\u needs four hex digits")
                        }
                        if (1...4).allSatisfy({ bytes[i + $0] == UInt8(ascii: "0") }) { nul = true }
                        i += 5
                    default: throw fail("unknown escape \\\(describe())")
                    }
                    continue
                }
                i += 1
            }
            throw fail("a string is not closed")
        }

        /// The length of the well-formed UTF-8 sequence that starts at `j` (a byte of 0x80 or more),
        /// nil when it is not one (a stray continuation byte, an overlong form, a surrogate, past U+10FFFF,
        /// or cut short): the table of Unicode's "well-formed UTF-8 byte sequences".
        func utf8Sequence(at j: Int) -> Int? {
            let b0 = bytes[j]
            let (n, low, high): (Int, UInt8, UInt8) =
                switch b0 {
                case 0xC2...0xDF: (2, 0x80, 0xBF)
                case 0xE0: (3, 0xA0, 0xBF)
                case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
                case 0xED: (3, 0x80, 0x9F)
                case 0xF0: (4, 0x90, 0xBF)
                case 0xF1...0xF3: (4, 0x80, 0xBF)
                case 0xF4: (4, 0x80, 0x8F)
                default: (0, 0, 0)
                }
            guard n > 0, j + n <= bytes.count, (low...high).contains(bytes[j + 1]) else { return nil }
            return (2..<n).allSatisfy { (0x80...0xBF).contains(bytes[j + $0]) } ? n : nil
        }

        func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20 >= UInt8(ascii: "a") && b | 0x20 <= UInt8(ascii: "f")) }

        /// The key's text: its bytes, or with escapes decoded when it has any.
        func key(_ range: Range<Int>, escaped: Bool) -> String {
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
            guard escaped, let s = try? JSONDecoder().decode(String.self, from: Data("\"\(text)\"".utf8)) else { return text }
            return s
        }

        /// The key path of the value being read, e.g. `records[3].value`.
        func path() -> String {
            var out = ""
            for c in stack {
                switch c {
                case let .key(r, escaped): out += (out.isEmpty ? "" : ".") + key(r, escaped: escaped)
                case let .index(n): out += "[\(n)]"
                }
            }
            return out
        }

        /// Whether two keys are the same: their bytes, or their decoded text when either has escapes.
        func same(_ a: (Range<Int>, escaped: Bool, nul: Bool), _ b: (Range<Int>, escaped: Bool, nul: Bool)) -> Bool {
            if a.escaped || b.escaped { return key(a.0, escaped: a.escaped) == key(b.0, escaped: b.escaped) }
            return a.0.count == b.0.count
                && memcmp(bytes.baseAddress! + a.0.lowerBound, bytes.baseAddress! + b.0.lowerBound, a.0.count) == 0
        }

        mutating func object(depth: Int) throws {
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
                return
            }
            var keys: [(Range<Int>, escaped: Bool, nul: Bool)] = []
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else {
                    throw fail(keys.isEmpty ? "expected a key, found \(describe())" : "a trailing comma or a key that is not a string")
                }
                let k = try string()
                stack.append(.key(k.0, escaped: k.escaped))
                if k.nul { throw nulRefusal() }
                if keys.contains(where: { same($0, k) }) {
                    throw StoreError.invalid(
                        field: path(), problem: "is given twice in one object",
                        fix: "send each key once (RFC 8259 leaves repeats undefined)")
                }
                keys.append(k)
                skipSpace()
                try expect(UInt8(ascii: ":"), "':' after a key")
                skipSpace()
                try value(depth: depth + 1)
                stack.removeLast()
                skipSpace()
                guard i < bytes.count else { throw fail("an object is not closed") }
                if bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return
                }
                try expect(UInt8(ascii: ","), "',' or '}'")
            }
        }

        mutating func array(depth: Int) throws {
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                i += 1
                return
            }
            var n = 0
            while true {
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { throw fail("a trailing comma in an array") }
                stack.append(.index(n))
                try value(depth: depth + 1)
                stack.removeLast()
                n += 1
                skipSpace()
                guard i < bytes.count else { throw fail("an array is not closed") }
                if bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return
                }
                try expect(UInt8(ascii: ","), "',' or ']'")
            }
        }
    }
}
