import APIModel
import Foundation

/// A request body with a reader of its own for its common shape, faster than the general path.
///
/// Why: an import of 200,000 rows spent about half of its time before the transaction in the
/// general path: the strict check, Foundation's `JSONDecoder` and the re-encoding that fingerprints
/// an idempotent request. The reader takes only a strict subset of JSON (no escapes, no nulls, no
/// unknown or repeated keys) and gives up on anything else, so every malformed or unusual body still
/// goes the general way, which words its errors; a body it reads decodes to the same value and
/// fingerprints to the same bytes (`FastImportBodyTests` checks both against Foundation).
package protocol FastDecodedBody {
    /// The body, and with `canonical` its canonical encoding (the bytes `APIServer.canonical` gives
    /// for it); nil when `data` is outside what the reader takes.
    static func fastDecode(_ data: Data, canonical: Bool) -> (body: Self, canonical: [UInt8])?
}

extension ImportBody: FastDecodedBody {
    /// Reads the common shape of an import (`ImportBodyReader`); nil hands the body to the general path.
    package static func fastDecode(_ data: Data, canonical: Bool) -> (body: ImportBody, canonical: [UInt8])? {
        data.withUnsafeBytes { raw in
            var reader = ImportBodyReader(bytes: raw.bindMemory(to: UInt8.self), canonical: canonical)
            guard let records = reader.body() else { return nil }
            return (ImportBody(records: records), reader.out)
        }
    }
}

/// Reads `{"records":[{...},...]}` of import records (see `FastDecodedBody`) and writes the canonical
/// encoding as it goes: sorted keys, no spaces, strings as they came (they hold no escapes).
struct ImportBodyReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let canonical: Bool
    var i = 0
    var out: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, canonical: Bool) {
        self.bytes = bytes
        self.canonical = canonical
        if canonical { out.reserveCapacity(bytes.count) }
    }

    mutating func body() -> [ImportRecord]? {
        skip()
        guard take(.openBrace), let key = key(), Self.equal(bytes, key, "records"), take(.colon), take(.openBracket) else { return nil }
        write("{\"records\":[")
        var records: [ImportRecord] = []
        records.reserveCapacity(bytes.count / 100)
        if !take(.closeBracket) {
            repeat {
                if !records.isEmpty { write(",") }
                guard let r = record() else { return nil }
                records.append(r)
            } while take(.comma)
            guard take(.closeBracket) else { return nil }
        }
        guard take(.closeBrace), i == bytes.count else { return nil }
        write("]}")
        return records
    }

    private mutating func record() -> ImportRecord? {
        guard take(.openBrace) else { return nil }
        var r = ImportRecord(type: "", entity: "")
        var seen: UInt16 = 0
        repeat {
            guard let k = key() else { return nil }
            let field = Field(bytes, k)
            guard let field, seen & field.bit == 0, take(.colon) else { return nil }
            seen |= field.bit
            switch field {
            case .value:
                guard let v = integer() else { return nil }
                r.value = v
            case .attributes:
                guard let a = attributes() else { return nil }
                r.attributes = a
            default:
                guard let s = string() else { return nil }
                switch field {
                case .type: r.type = s
                case .entity: r.entity = s
                case .metric: r.metric = s
                case .kind: r.kind = s
                case .at: r.at = s
                default: r.ref = s
                }
            }
        } while take(.comma)
        guard take(.closeBrace), seen & Field.type.bit != 0, seen & Field.entity.bit != 0 else { return nil }
        if canonical { writeCanonical(r) }
        return r
    }

    /// An import record's keys, known by their bytes.
    enum Field: UInt16 {
        case attributes, at, entity, kind, metric, ref, type, value
        var bit: UInt16 { 1 << rawValue }

        static let names: [(Field, StaticString)] = [
            (.type, "type"), (.entity, "entity"), (.metric, "metric"), (.value, "value"), (.at, "at"),
            (.kind, "kind"), (.ref, "ref"), (.attributes, "attributes")
        ]

        init?(_ bytes: UnsafeBufferPointer<UInt8>, _ key: Range<Int>) {
            guard let found = Self.names.first(where: { ImportBodyReader.equal(bytes, key, $0.1) }) else { return nil }
            self = found.0
        }
    }

    /// The record as `APIServer.canonical` writes it: keys in sorted order, absent ones left out. A
    /// record with attributes goes through that encoder itself, which orders their keys.
    private mutating func writeCanonical(_ r: ImportRecord) {
        if r.attributes != nil {
            guard let encoded = try? APIServer.canonical.encode(r) else { return }
            out.append(contentsOf: encoded)
            return
        }
        write("{")
        var first = true
        func field(_ name: String, _ text: String?) {
            guard let text else { return }
            write(first ? "\"" : ",\"")
            first = false
            write(name)
            write("\":\"")
            write(text)
            write("\"")
        }
        field("at", r.at)
        field("entity", r.entity)
        field("kind", r.kind)
        field("metric", r.metric)
        field("ref", r.ref)
        field("type", r.type)
        if let v = r.value {
            write(first ? "\"value\":" : ",\"value\":")
            writeNumber(v)
        }
        write("}")
    }

    private mutating func attributes() -> [String: String]? {
        guard take(.openBrace) else { return nil }
        var a: [String: String] = [:]
        if take(.closeBrace) { return a }
        repeat {
            guard let k = key(), let name = text(k), a[name] == nil, take(.colon), let value = string() else { return nil }
            a[name] = value
        } while take(.comma)
        return take(.closeBrace) ? a : nil
    }

    /// A key: a string and the spaces after it (the caller takes the colon).
    private mutating func key() -> Range<Int>? {
        guard let r = stringBytes() else { return nil }
        skip()
        return r
    }

    private mutating func string() -> String? {
        guard let r = stringBytes() else { return nil }
        skip()
        return text(r)
    }

    /// The bytes between the quotes of a string with no escape, control character, or U+2028/U+2029
    /// (which some encoders escape); nil for any other.
    private mutating func stringBytes() -> Range<Int>? {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var j = start
        while j < bytes.count {
            let b = bytes[j]
            if b == UInt8(ascii: "\"") { break }
            if b == UInt8(ascii: "\\") || b < 0x20 { return nil }
            if b == 0xE2, j + 2 < bytes.count, bytes[j + 1] == 0x80, bytes[j + 2] == 0xA8 || bytes[j + 2] == 0xA9 { return nil }
            j += 1
        }
        guard j < bytes.count else { return nil }
        i = j + 1
        return start..<j
    }

    /// The string of `r`'s bytes, nil when they are not valid UTF-8.
    private func text(_ r: Range<Int>) -> String? {
        let slice = UnsafeBufferPointer(rebasing: bytes[r])
        if !slice.contains(where: { $0 >= 0x80 }) { return String(decoding: slice, as: UTF8.self) }
        return String(validating: slice, as: UTF8.self)
    }

    /// A whole number within Int64, as strict JSON writes it (no leading zero, no fraction or exponent).
    private mutating func integer() -> Int64? {
        let negative = i < bytes.count && bytes[i] == UInt8(ascii: "-")
        var j = negative ? i + 1 : i
        let first = j
        var n: Int64 = 0
        while j < bytes.count, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") {
            let (m, o1) = n.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.subtractingReportingOverflow(Int64(bytes[j] - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            n = s
            j += 1
        }
        guard j > first, j - first == 1 || bytes[first] != UInt8(ascii: "0") else { return nil }
        if j < bytes.count, bytes[j] == UInt8(ascii: ".") || bytes[j] | 0x20 == UInt8(ascii: "e") { return nil }
        if !negative {
            guard n != .min else { return nil }
            n = -n
        }
        i = j
        skip()
        return n
    }

    /// Takes `byte` and the spaces after it; false (taking nothing) when it is not next.
    private mutating func take(_ byte: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == byte else { return false }
        i += 1
        skip()
        return true
    }

    private mutating func skip() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// `v` in decimal, without a String in between.
    private mutating func writeNumber(_ v: Int64) {
        guard canonical else { return }
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var m = v.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(m % 10))
            m /= 10
        } while m > 0
        out[start...].reverse()
    }

    private mutating func write(_ s: String) {
        guard canonical else { return }
        out.append(contentsOf: s.utf8)
    }

    static func equal(_ bytes: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ name: StaticString) -> Bool {
        guard r.count == name.utf8CodeUnitCount else { return false }
        let p = name.utf8Start
        for k in 0..<r.count where bytes[r.lowerBound + k] != p[k] { return false }
        return true
    }
}

extension UInt8 {
    fileprivate static let openBrace = UInt8(ascii: "{")
    fileprivate static let closeBrace = UInt8(ascii: "}")
    fileprivate static let openBracket = UInt8(ascii: "[")
    fileprivate static let closeBracket = UInt8(ascii: "]")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let comma = UInt8(ascii: ",")
}
