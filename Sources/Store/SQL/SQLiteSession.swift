import Foundation
import GRDB
import GRDBSQLite

/// `SQLSession` on a GRDB connection, inside the transaction GRDB runs. Statements are prepared once
/// per connection (GRDB's statement cache) and bound, stepped and read through SQLite's C API: going
/// through GRDB's `StatementArguments` and `Row` cursors for every statement made an import three
/// times slower than before the seam (a quarter of its time was spent building arguments).
package final class SQLiteSession: SQLSession {
    let db: Database
    /// Column names per statement, read once per session.
    private var columnNames: [String: [String]] = [:]

    init(_ db: Database) { self.db = db }

    /// SQLite, for the few statements that branch on it.
    package var dialect: SQLDialect { .sqlite }

    /// Runs a statement through SQLite's C API on the transaction's connection; returns the rows it changed.
    @discardableResult
    package func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let s = try prepared(sql, arguments)
        defer { sqlite3_reset(s) }
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw failure(rc, sql) }
        }
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// Runs a query and hands each row to `body` as it is stepped, one at a time.
    package func forEach(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let s = try prepared(sql, arguments)
        defer { sqlite3_reset(s) }
        let count = sqlite3_column_count(s)
        let columns = names(sql, s, count)
        while true {
            let rc = sqlite3_step(s)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw failure(rc, sql) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for i in 0..<count { values.append(Self.value(s, i)) }
            try body(SQLRow(columns: columns, values: values))
        }
    }

    /// The INSERT without `RETURNING id`, and SQLite's last inserted rowid (the `id` of an
    /// `INTEGER PRIMARY KEY` table): no statement journal (`SQLSession.insertReturningID`).
    package func insertReturningID(_ insert: String, _ arguments: [SQLValue]) throws -> Int64? {
        guard try execute(insert, arguments) > 0 else { return nil }
        return sqlite3_last_insert_rowid(db.sqliteConnection)
    }

    /// Runs `body` in a GRDB savepoint: undone if it throws, and the error rethrown.
    package func savepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body()
            return .commit
        }
        return result!
    }

    /// The cached statement for `sql`, reset and bound to `arguments`.
    private func prepared(_ sql: String, _ arguments: [SQLValue]) throws -> OpaquePointer {
        let s = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        for (i, v) in arguments.enumerated() {
            let index = CInt(i + 1)
            let rc: CInt =
                switch v {
                case .null: sqlite3_bind_null(s, index)
                case let .integer(n): sqlite3_bind_int64(s, index, n)
                case let .real(d): sqlite3_bind_double(s, index, d)
                case let .text(t): sqlite3_bind_text(s, index, t, CInt(t.utf8.count), Self.transient)
                case let .blob(b): b.withUnsafeBytes { sqlite3_bind_blob(s, index, $0.baseAddress, CInt($0.count), Self.transient) }
                }
            guard rc == SQLITE_OK else { throw failure(rc, sql) }
        }
        return s
    }

    private func names(_ sql: String, _ s: OpaquePointer, _ count: CInt) -> [String] {
        if let known = columnNames[sql] { return known }
        let names = (0..<count).map { String(cString: sqlite3_column_name(s, $0)) }
        columnNames[sql] = names
        return names
    }

    private func failure(_ rc: CInt, _ sql: String) -> any Error {
        // GRDB interrupts the statement of a cancelled task (a graceful shutdown); the caller sees
        // CancellationError, as from GRDB's own statements, and stops cleanly.
        if rc == SQLITE_INTERRUPT { return CancellationError() }
        let connection = db.sqliteConnection
        return DatabaseError(
            resultCode: ResultCode(rawValue: sqlite3_extended_errcode(connection)),
            message: String(cString: sqlite3_errmsg(connection)), sql: sql)
    }

    /// SQLite copies the bound text or bytes (they live only as long as this call).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func value(_ s: OpaquePointer, _ i: CInt) -> SQLValue {
        switch sqlite3_column_type(s, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(s, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(s, i))
        case SQLITE_TEXT:
            let bytes = Int(sqlite3_column_bytes(s, i))
            guard let text = sqlite3_column_text(s, i) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: bytes), as: UTF8.self))
        case SQLITE_BLOB:
            let bytes = Int(sqlite3_column_bytes(s, i))
            guard bytes > 0, let blob = sqlite3_column_blob(s, i) else { return .blob([]) }
            return .blob([UInt8](UnsafeRawBufferPointer(start: blob, count: bytes)))
        default: return .null
        }
    }
}

extension SQLRow {
    /// A GRDB row as an `SQLRow` (the few GRDB reads left: tests, records' GRDB conformances).
    init(_ row: Row) {
        self.init(columns: Array(row.columnNames), values: row.databaseValues.map(SQLValue.init))
    }
}

extension SQLValue {
    /// A GRDB value in the same storage class.
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(i): self = .integer(i)
        case let .double(d): self = .real(d)
        case let .string(t): self = .text(t)
        case let .blob(b): self = .blob([UInt8](b))
        }
    }
}

extension DatabaseValue {
    /// An `SQLValue` as GRDB stores it.
    init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case let .integer(i): self = i.databaseValue
        case let .real(d): self = d.databaseValue
        case let .text(t): self = t.databaseValue
        case let .blob(b): self = Data(b).databaseValue
        }
    }
}
