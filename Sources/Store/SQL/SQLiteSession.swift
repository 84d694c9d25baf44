import Foundation
import GRDB

/// `SQLSession` on a GRDB connection, inside the transaction GRDB runs. Statements are prepared once
/// per connection and reused (GRDB's statement cache): a bulk pass runs the same few thousands of times.
package final class SQLiteSession: SQLSession {
    let db: Database

    init(_ db: Database) { self.db = db }

    package var dialect: SQLDialect { .sqlite }

    @discardableResult
    package func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    package func forEach(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let statement = try db.cachedStatement(sql: sql)
        let columns = statement.columnNames
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        while let row = try cursor.next() {
            var values: [SQLValue] = []
            values.reserveCapacity(columns.count)
            for i in 0..<columns.count { values.append(Self.value(row[i] as DatabaseValue)) }
            try body(SQLRow(columns: columns, values: values))
        }
    }

    package func savepoint<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        try db.inSavepoint {
            result = try body()
            return .commit
        }
        return result!
    }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(
            values.map { v -> DatabaseValue in
                switch v {
                case .null: .null
                case let .integer(i): i.databaseValue
                case let .real(d): d.databaseValue
                case let .text(s): s.databaseValue
                case let .blob(b): Data(b).databaseValue
                }
            })
    }

    static func value(_ v: DatabaseValue) -> SQLValue {
        switch v.storage {
        case .null: .null
        case let .int64(i): .integer(i)
        case let .double(d): .real(d)
        case let .string(s): .text(s)
        case let .blob(b): .blob([UInt8](b))
        }
    }
}
