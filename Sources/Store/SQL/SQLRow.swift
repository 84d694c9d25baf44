import Foundation

/// One row a query returned: its values in select order and the column names they came under.
/// Why a copy rather than the driver's row: the same Recorder code reads SQLite and PostgreSQL rows.
package struct SQLRow: Sendable {
    /// The column names of the statement (shared by every row it returned).
    package let columns: [String]
    /// The values, by position.
    package let values: [SQLValue]

    /// A row of `values` under `columns`, in the statement's column order.
    package init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// How many columns.
    package var count: Int { values.count }

    /// The position of column `name`, if present: the spelling selected, or (PostgreSQL folds unquoted
    /// names to lower case) the same name in any case.
    package func index(of name: String) -> Int? {
        columns.firstIndex(of: name) ?? columns.firstIndex { $0.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Column `i` as a `T`; a value that is not one is an error naming `column`, never a crash.
    package func decode<T: SQLColumn>(_ i: Int, _ column: String) throws -> T {
        guard i < values.count, let v = T(sqlValue: values[i]) else {
            throw StoreError.invalid(
                field: column, problem: "'\(i < values.count ? "\(values[i])" : "nothing")' in the database is not a \(T.self)",
                fix: "restore the database from a backup or correct the row")
        }
        return v
    }

    /// Column `name` as a `T` (see `decode(_:_:)`); a missing column is an error too.
    package func decode<T: SQLColumn>(_ name: String, table: String = "row") throws -> T {
        guard let i = index(of: name) else {
            throw StoreError.invalid(field: "\(table).\(name)", problem: "missing from the row", fix: "select it")
        }
        return try decode(i, "\(table).\(name)")
    }

    /// Column `i`, for values that cannot fail to read (ids, counts): a bad value is nil.
    package subscript<T: SQLColumn>(_ i: Int) -> T? { i < values.count ? T(sqlValue: values[i]) : nil }
}
