import Foundation
import Logging
import NIOCore
import PostgresNIO

/// `SQLSession` on one PostgreSQL connection, inside a transaction the backend began. The Recorder is
/// synchronous (it runs inside SQLite's write closure), so each statement waits for its answer: the
/// session runs on a thread of its own (`PostgresBackend`'s transaction thread), never on an event
/// loop or Swift's cooperative pool, where waiting would stall other work.
package final class PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    private var savepoints = 0

    init(_ connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// PostgreSQL, for the few statements that branch on it.
    package var dialect: SQLDialect { .postgres }

    /// Runs a statement with `?` placeholders numbered for PostgreSQL; returns the rows it changed.
    @discardableResult
    package func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try run(sql, arguments).metadata.rows ?? 0
    }

    /// Runs a query and hands each row to `body`, column names read once from the first row.
    package func forEach(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws {
        let result = try run(sql, arguments)
        var columns: [String]?
        for row in result.rows {
            let cells = Array(row)
            let names = columns ?? cells.map(\.columnName)
            columns = names
            try body(SQLRow(columns: names, values: try cells.map(Self.value)))
        }
    }

    /// Runs `body` in a numbered savepoint: released when it returns, rolled back to (and the error rethrown) when it
    /// throws.
    package func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepoints += 1
        let name = "s\(savepoints)"
        defer { savepoints -= 1 }
        try run("SAVEPOINT \(name)", [])
        do {
            let result = try body()
            try run("RELEASE SAVEPOINT \(name)", [])
            return result
        } catch {
            try run("ROLLBACK TO SAVEPOINT \(name)", [])
            throw error
        }
    }

    @discardableResult
    func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: arguments.count)
        for a in arguments {
            switch a {
            case .null: binds.appendNull()
            case let .integer(i): try binds.append(i)
            case let .real(d): try binds.append(d)
            case let .text(s): try binds.append(s)
            case let .blob(b): try binds.append(ByteBuffer(bytes: b))
            }
        }
        let query = PostgresQuery(unsafeSQL: Self.numbered(sql), binds: binds)
        // postgres-nio 1.33.2 never answers a query sent on a connection the server closed
        // (`PostgresConnection.run`): fail at once instead.
        guard !connection.isClosed else { throw PostgresFailure.disconnected }
        do {
            return try connection.query(query, logger: logger).wait()
        } catch let error as PSQLError where error.serverInfo == nil {
            // No answer from the server: the connection broke (a restart, the network).
            _ = error
            throw PostgresFailure.disconnected
        } catch let error as PSQLError {
            throw PostgresStatementError(error)
        }
    }

    /// `?` placeholders as PostgreSQL's `$1, $2, ...`, skipping quoted strings and identifiers.
    static func numbered(_ sql: String) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character?
        for c in sql {
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                n += 1
                out += "$\(n)"
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// A cell in the storage classes the Recorder reads: integers (and booleans as 0/1), numerics
    /// (`sum`) as integers when whole, floats, text, bytes.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric:
            let text = "\(try cell.decode(Decimal.self))"
            if let i = Int64(text) { return .integer(i) }
            return .real(Double(text) ?? .nan)
        case .bytea: return .blob([UInt8](buffer: try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// A statement PostgreSQL refused, as Store reports it: the server's message and SQLSTATE (which `PSQLError`'s
/// description hides), and whether it broke a constraint (a conflict with stored data, HTTP 409).
package struct PostgresStatementError: Error, CustomStringConvertible {
    /// The SQLSTATE (e.g. `23505`, a unique violation); empty when the server sent none.
    package let code: String
    /// The server's message.
    package let message: String

    init(_ error: PSQLError) {
        code = error.serverInfo?[.sqlState] ?? ""
        message = error.serverInfo?[.message] ?? "\(error.code)"
    }

    /// Class 23: integrity constraint violation (unique, foreign key, not null, check).
    package var isConstraint: Bool { code.hasPrefix("23") }

    /// `PostgreSQL SQLSTATE: message`: both, since the SQLSTATE is what tells a constraint from a fault.
    package var description: String { "PostgreSQL \(code): \(message)" }
}
