import Foundation
import GRDB
import Logging
import PostgresNIO
import Store
import TestSupport

extension DaemonProcess {
    /// The rows of `sql` (with `?` placeholders for `arguments`) in the daemon's database, whichever
    /// backend this run uses, each column as text (nil for NULL).
    ///
    /// Why text: the tests compare what was stored (notes, actions, counts), and SQLite and
    /// PostgreSQL agree on how those print while their integer and text types differ. Why tests
    /// may write SQL here: they look inside the database to check what obligd kept, which is the
    /// point; obligd's own modules never do (scripts/check-layering).
    func rows(_ sql: String, _ arguments: [String] = []) async throws -> [[String?]] {
        guard let url = try await databaseURL() else {
            var configuration = Configuration()
            configuration.readonly = true
            let db = try DatabaseQueue(path: databasePath, configuration: configuration)
            defer { try? db.close() }
            return try await db.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                    row.databaseValues.map(Self.text)
                }
            }
        }
        var numbered = ""
        var n = 0
        for ch in sql {
            if ch == "?" {
                n += 1
                numbered += "$\(n)"
            } else {
                numbered.append(ch)
            }
        }
        var bindings = PostgresBindings()
        for argument in arguments { bindings.append(argument) }
        let logger = Logger(label: "obligd.tests.rows")
        let connection = try await PostgresURL(parsing: url, source: "test-database-url").connect(password: nil, logger: logger)
        do {
            var out: [[String?]] = []
            for try await row in try await connection.query(PostgresQuery(unsafeSQL: numbered, binds: bindings), logger: logger) {
                out.append(row.map { cell in cell.bytes == nil ? nil : Self.text(cell) })
            }
            try await connection.close()
            return out
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs `statements` in one transaction in the daemon's database: an edit behind obligd's back,
    /// as someone with access to the database could make (the tamper tests).
    func execute(_ statements: [String]) async throws {
        guard let url = try await databaseURL() else {
            let db = try DatabaseQueue(path: databasePath)
            defer { try? db.close() }
            try await db.write { db in for sql in statements { try db.execute(sql: sql) } }
            return
        }
        let logger = Logger(label: "obligd.tests.rows")
        let connection = try await PostgresURL(parsing: url, source: "test-database-url").connect(password: nil, logger: logger)
        do {
            try await connection.query("BEGIN", logger: logger)
            for sql in statements { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
            try await connection.query("COMMIT", logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// One SQLite value as text, whatever its type.
    private static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let v): String(v)
        case .double(let v): String(v)
        case .string(let v): v
        case .blob(let v): String(decoding: v, as: UTF8.self)
        }
    }

    /// One PostgreSQL cell as text, whatever its column type.
    private static func text(_ cell: PostgresCell) -> String? {
        if let v = try? cell.decode(Int64.self) { return String(v) }
        if let v = try? cell.decode(String.self) { return v }
        if let v = try? cell.decode(Double.self) { return String(v) }
        if let v = try? cell.decode(Bool.self) { return String(v) }
        return cell.bytes.map { String(decoding: $0.readableBytesView, as: UTF8.self) }
    }

    /// The first column of the first row of `sql` as an integer (a count), or nil.
    func integer(_ sql: String, _ arguments: [String] = []) async throws -> Int? {
        guard let first = try await rows(sql, arguments).first, let cell = first.first, let text = cell else { return nil }
        return Int(text)
    }
}
