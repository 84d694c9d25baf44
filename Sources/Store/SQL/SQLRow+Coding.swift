/// Decodes a Codable record from an `SQLRow`: each key is a column; a nested Codable value (a status,
/// a string map) reads its column through a single-value container.
struct SQLRowDecoder: Decoder {
    let row: SQLRow
    let table: String
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Keyed<Key>(row: row, table: table))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw StoreError.invalid(field: table, problem: "a list is not a column", fix: "store it as JSON text")
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw StoreError.invalid(field: table, problem: "a row is not one value", fix: "decode a record")
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: SQLRow
        let table: String
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { row.columns.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { row.index(of: key.stringValue) != nil }

        func value(_ key: Key) throws -> SQLValue {
            guard let i = row.index(of: key.stringValue) else {
                throw StoreError.invalid(field: "\(table).\(key.stringValue)", problem: "missing from the row", fix: "select it")
            }
            return row.values[i]
        }

        func decodeNil(forKey key: Key) throws -> Bool { try value(key).isNull }

        // The primitive requirements, each read as a column.
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decodeColumn(type, forKey: key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decodeColumn(type, forKey: key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decodeColumn(type, forKey: key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decodeColumn(type, forKey: key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decodeColumn(type, forKey: key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decodeColumn(type, forKey: key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decodeColumn(type, forKey: key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decodeColumn(type, forKey: key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decodeColumn(type, forKey: key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decodeColumn(type, forKey: key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decodeColumn(type, forKey: key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decodeColumn(type, forKey: key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decodeColumn(type, forKey: key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decodeColumn(type, forKey: key) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decodeColumn(type, forKey: key) }

        func decodeColumn<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let v = try value(key)
            let field = "\(table).\(key.stringValue)"
            if let column = T.self as? any SQLColumn.Type {
                guard let decoded = column.init(sqlValue: v) as? T else {
                    throw StoreError.invalid(
                        field: field, problem: "'\(v)' in the database is not a \(T.self)",
                        fix: "restore the database from a backup or correct the row")
                }
                return decoded
            }
            return try T(from: SQLValueDecoder(value: v, field: field))
        }

        func nestedContainer<N: CodingKey>(keyedBy type: N.Type, forKey key: Key) throws -> KeyedDecodingContainer<N> {
            throw StoreError.invalid(field: "\(table).\(key.stringValue)", problem: "not a column", fix: "store it as JSON text")
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw StoreError.invalid(field: "\(table).\(key.stringValue)", problem: "not a column", fix: "store it as JSON text")
        }

        func superDecoder() throws -> any Decoder { SQLRowDecoder(row: row, table: table) }
        func superDecoder(forKey key: Key) throws -> any Decoder { SQLRowDecoder(row: row, table: table) }
    }
}

/// One column's value for a nested Codable type (`Status` from its raw text, `StringMap` from JSON).
struct SQLValueDecoder: Decoder, SingleValueDecodingContainer {
    let value: SQLValue
    let field: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw StoreError.invalid(field: field, problem: "a column is not a record", fix: "decode a value")
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw StoreError.invalid(field: field, problem: "a column is not a list", fix: "decode a value")
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value.isNull }

    // The primitive requirements, each read from the one value.
    func decode(_ type: Bool.Type) throws -> Bool { try decodeValue(type) }
    func decode(_ type: String.Type) throws -> String { try decodeValue(type) }
    func decode(_ type: Double.Type) throws -> Double { try decodeValue(type) }
    func decode(_ type: Float.Type) throws -> Float { try decodeValue(type) }
    func decode(_ type: Int.Type) throws -> Int { try decodeValue(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeValue(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeValue(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeValue(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeValue(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeValue(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeValue(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeValue(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeValue(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeValue(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if let column = T.self as? any SQLColumn.Type, let v = column.init(sqlValue: value) as? T { return v }
        if T.self is any SQLColumn.Type || T.self is any BinaryInteger.Type || T.self is any BinaryFloatingPoint.Type {
            throw StoreError.invalid(
                field: field, problem: "'\(value)' in the database is not a \(T.self)",
                fix: "restore the database from a backup or correct the row")
        }
        return try T(from: self)
    }
}

/// Collects a Codable record's columns for an INSERT or UPDATE.
final class SQLRowEncoder: Encoder {
    final class Storage { var columns: [(name: String, value: SQLValue)] = [] }
    let storage = Storage()
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Keyed<Key>(storage: storage))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a record is a row of columns, not a list") }
    func singleValueContainer() -> any SingleValueEncodingContainer { fatalError("a record is a row of columns") }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let storage: Storage
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { storage.columns.append((key.stringValue, .null)) }

        // The primitive requirements, each written as a column.
        mutating func encode(_ value: Bool, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: String, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: Int, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { try encodeColumn(value, forKey: key) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try encodeColumn(value, forKey: key) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try encodeColumn(value, forKey: key) }

        mutating func encodeColumn<T: Encodable>(_ value: T, forKey key: Key) throws {
            if let column = value as? any SQLColumn {
                storage.columns.append((key.stringValue, column.sqlValue))
                return
            }
            let single = SQLValueEncoder()
            try value.encode(to: single)
            storage.columns.append((key.stringValue, single.value))
        }

        mutating func nestedContainer<N: CodingKey>(keyedBy keyType: N.Type, forKey key: Key) -> KeyedEncodingContainer<N> {
            fatalError("a column holds one value")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { fatalError("a column holds one value") }
        mutating func superEncoder() -> any Encoder { SQLValueEncoder() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { SQLValueEncoder() }
    }
}

/// One column's value from a nested Encodable type (a status's raw text, a string map's JSON).
final class SQLValueEncoder: Encoder, SingleValueEncodingContainer {
    var value: SQLValue = .null
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { fatalError("a column holds one value") }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a column holds one value") }
    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() throws { value = .null }

    // The primitive requirements, each the one value.
    func encode(_ v: Bool) throws { try encodeValue(v) }
    func encode(_ v: String) throws { try encodeValue(v) }
    func encode(_ v: Double) throws { try encodeValue(v) }
    func encode(_ v: Float) throws { try encodeValue(v) }
    func encode(_ v: Int) throws { try encodeValue(v) }
    func encode(_ v: Int8) throws { try encodeValue(v) }
    func encode(_ v: Int16) throws { try encodeValue(v) }
    func encode(_ v: Int32) throws { try encodeValue(v) }
    func encode(_ v: Int64) throws { try encodeValue(v) }
    func encode(_ v: UInt) throws { try encodeValue(v) }
    func encode(_ v: UInt8) throws { try encodeValue(v) }
    func encode(_ v: UInt16) throws { try encodeValue(v) }
    func encode(_ v: UInt32) throws { try encodeValue(v) }
    func encode(_ v: UInt64) throws { try encodeValue(v) }

    func encode<T: Encodable>(_ v: T) throws { try encodeValue(v) }

    func encodeValue<T: Encodable>(_ v: T) throws {
        if let column = v as? any SQLColumn {
            value = column.sqlValue
        } else if v is any BinaryInteger || v is any BinaryFloatingPoint {
            throw StoreError.invalid(field: "\(T.self)", problem: "not a column type", fix: "store it as Int64 or Double")
        } else {
            try v.encode(to: self)
        }
    }
}
