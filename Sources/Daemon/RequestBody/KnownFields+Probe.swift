import APIModel
import Foundation

extension KnownFields {
    /// A decoder over an already parsed body that notes, in `asked`, each key a type asks for. It
    /// serves values as JSON has them (whole numbers to any integer type that holds them) and is run
    /// only on bodies Foundation's decoder has already taken, so it need not word its errors.
    struct Probe: Decoder {
        let value: JSONValue
        let codingPath: [any CodingKey]
        let asked: Asked
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<K: CodingKey>(keyedBy _: K.Type) throws -> KeyedDecodingContainer<K> {
            guard case let .object(fields) = value else { throw mismatch([String: JSONValue].self) }
            return KeyedDecodingContainer(Keyed<K>(fields: fields, codingPath: codingPath, asked: asked))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            guard case let .array(items) = value else { throw mismatch([JSONValue].self) }
            return Unkeyed(items: items, codingPath: codingPath, asked: asked)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

        func mismatch(_ type: Any.Type) -> DecodingError {
            .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "not \(type)"))
        }
    }

    struct Keyed<K: CodingKey>: KeyedDecodingContainerProtocol {
        let fields: [String: JSONValue]
        let codingPath: [any CodingKey]
        let asked: Asked

        init(fields: [String: JSONValue], codingPath: [any CodingKey], asked: Asked) {
            self.fields = fields
            self.codingPath = codingPath
            self.asked = asked
        }

        var allKeys: [K] {
            asked.open.insert(KnownFields.path(codingPath))
            return fields.keys.compactMap { K(stringValue: $0) }
        }

        private func note(_ key: some CodingKey) {
            asked.keys[KnownFields.path(codingPath), default: []].insert(key.stringValue)
        }

        func contains(_ key: K) -> Bool {
            note(key)
            return fields[key.stringValue] != nil
        }

        func decodeNil(forKey key: K) throws -> Bool {
            note(key)
            return fields[key.stringValue].map { $0 == .null } ?? true
        }

        func decode<T: Decodable>(_: T.Type, forKey key: K) throws -> T { try read(key) }

        private func read<T: Decodable>(_ key: K) throws -> T {
            note(key)
            guard let value = fields[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "absent"))
            }
            return try T(from: Probe(value: value, codingPath: codingPath + [key], asked: asked))
        }

        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: K) throws -> KeyedDecodingContainer<N> {
            try decoder(key).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: K) throws -> any UnkeyedDecodingContainer {
            try decoder(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder { try decoder(KnownFields.Key("super")) }

        func superDecoder(forKey key: K) throws -> any Decoder { try decoder(key) }

        private func decoder(_ key: some CodingKey) throws -> Probe {
            note(key)
            return Probe(value: fields[key.stringValue] ?? .null, codingPath: codingPath + [key], asked: asked)
        }

        // The primitive requirements, each served by the generic one.
        func decode(_ t: Bool.Type, forKey key: K) throws -> Bool { try read(key) }
        func decode(_ t: String.Type, forKey key: K) throws -> String { try read(key) }
        func decode(_ t: Double.Type, forKey key: K) throws -> Double { try read(key) }
        func decode(_ t: Float.Type, forKey key: K) throws -> Float { try read(key) }
        func decode(_ t: Int.Type, forKey key: K) throws -> Int { try read(key) }
        func decode(_ t: Int8.Type, forKey key: K) throws -> Int8 { try read(key) }
        func decode(_ t: Int16.Type, forKey key: K) throws -> Int16 { try read(key) }
        func decode(_ t: Int32.Type, forKey key: K) throws -> Int32 { try read(key) }
        func decode(_ t: Int64.Type, forKey key: K) throws -> Int64 { try read(key) }
        func decode(_ t: UInt.Type, forKey key: K) throws -> UInt { try read(key) }
        func decode(_ t: UInt8.Type, forKey key: K) throws -> UInt8 { try read(key) }
        func decode(_ t: UInt16.Type, forKey key: K) throws -> UInt16 { try read(key) }
        func decode(_ t: UInt32.Type, forKey key: K) throws -> UInt32 { try read(key) }
        func decode(_ t: UInt64.Type, forKey key: K) throws -> UInt64 { try read(key) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let items: [JSONValue]
        let codingPath: [any CodingKey]
        let asked: Asked
        var currentIndex = 0

        init(items: [JSONValue], codingPath: [any CodingKey], asked: Asked) {
            self.items = items
            self.codingPath = codingPath
            self.asked = asked
        }

        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        private mutating func next() throws -> Probe {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "at the end"))
            }
            defer { currentIndex += 1 }
            return Probe(value: items[currentIndex], codingPath: codingPath + [KnownFields.Key(intValue: currentIndex)], asked: asked)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, items[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_: T.Type) throws -> T { try read() }

        private mutating func read<T: Decodable>() throws -> T { try T(from: try next()) }

        mutating func nestedContainer<N: CodingKey>(keyedBy type: N.Type) throws -> KeyedDecodingContainer<N> {
            try next().container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

        mutating func superDecoder() throws -> any Decoder { try next() }

        mutating func decode(_ t: Bool.Type) throws -> Bool { try read() }
        mutating func decode(_ t: String.Type) throws -> String { try read() }
        mutating func decode(_ t: Double.Type) throws -> Double { try read() }
        mutating func decode(_ t: Float.Type) throws -> Float { try read() }
        mutating func decode(_ t: Int.Type) throws -> Int { try read() }
        mutating func decode(_ t: Int8.Type) throws -> Int8 { try read() }
        mutating func decode(_ t: Int16.Type) throws -> Int16 { try read() }
        mutating func decode(_ t: Int32.Type) throws -> Int32 { try read() }
        mutating func decode(_ t: Int64.Type) throws -> Int64 { try read() }
        mutating func decode(_ t: UInt.Type) throws -> UInt { try read() }
        mutating func decode(_ t: UInt8.Type) throws -> UInt8 { try read() }
        mutating func decode(_ t: UInt16.Type) throws -> UInt16 { try read() }
        mutating func decode(_ t: UInt32.Type) throws -> UInt32 { try read() }
        mutating func decode(_ t: UInt64.Type) throws -> UInt64 { try read() }
    }
}

extension KnownFields.Probe: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .null }

    func decode(_: Bool.Type) throws -> Bool {
        guard case let .bool(b) = value else { throw mismatch(Bool.self) }
        return b
    }

    func decode(_: String.Type) throws -> String {
        guard case let .string(s) = value else { throw mismatch(String.self) }
        return s
    }

    func decode(_: Double.Type) throws -> Double {
        switch value {
        case let .integer(i): return Double(i)
        case let .number(d): return d
        default: throw mismatch(Double.self)
        }
    }

    func decode(_: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    /// Any integer type, from a whole number it can hold.
    func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
        switch value {
        case let .integer(i): if let v = T(exactly: i) { return v }
        case let .number(d): if let v = T(exactly: d) { return v }
        default: break
        }
        throw mismatch(T.self)
    }

    func decode(_ t: Int.Type) throws -> Int { try integer(t) }
    func decode(_ t: Int8.Type) throws -> Int8 { try integer(t) }
    func decode(_ t: Int16.Type) throws -> Int16 { try integer(t) }
    func decode(_ t: Int32.Type) throws -> Int32 { try integer(t) }
    func decode(_ t: Int64.Type) throws -> Int64 { try integer(t) }
    func decode(_ t: UInt.Type) throws -> UInt { try integer(t) }
    func decode(_ t: UInt8.Type) throws -> UInt8 { try integer(t) }
    func decode(_ t: UInt16.Type) throws -> UInt16 { try integer(t) }
    func decode(_ t: UInt32.Type) throws -> UInt32 { try integer(t) }
    func decode(_ t: UInt64.Type) throws -> UInt64 { try integer(t) }

    func decode<T: Decodable>(_: T.Type) throws -> T { try T(from: self) }
}
