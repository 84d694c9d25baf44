/// A record stored as one row of `tableName`: decoded from a row by its Codable keys (column names)
/// and written by them. Why Codable: the records read like the schema, and the same conformance
/// serves both backends. `id` columns the database assigns are read back with `RETURNING id`.
package protocol SQLRecord: Sendable {
    /// The table the record is a row of.
    static var tableName: String { get }
    /// Reads the record from a row.
    init(row: SQLRow) throws
    /// The record's columns and values, for an INSERT.
    func sqlColumns() throws -> [(name: String, value: SQLValue)]
}

extension SQLRecord where Self: Codable {
    /// Decodes the record from `row` (columns by name; every non-optional property must be selected).
    package init(row: SQLRow) throws {
        self = try Self(from: SQLRowDecoder(row: row, table: Self.tableName))
    }

    /// The record's columns and values, in declaration order (nil optionals as NULL; an absent key
    /// — an `id` still to be assigned — is left out, so the database assigns it).
    package func sqlColumns() throws -> [(name: String, value: SQLValue)] {
        let encoder = SQLRowEncoder()
        try encode(to: encoder)
        return encoder.storage.columns
    }
}
