/// The statements the Recorder and the store's other operations run, inside one transaction of one
/// backend. Why a protocol: Store's logic (facts, derivation, audit, outbox, delivery queues) is
/// written once over it; SQLite (GRDB) and PostgreSQL each implement it. Statements use `?`
/// placeholders and the SQL both databases accept; `dialect` covers the few places they differ.
package protocol SQLSession: AnyObject {
    /// Which database runs the statements.
    var dialect: SQLDialect { get }

    /// Runs a statement that returns no rows; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int

    /// Runs a query and hands each row to `body` as it is read (a large scan holds one row at a time).
    func forEach(_ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Void) throws

    /// Runs `body` in a savepoint: its statements are undone if it throws, and the error rethrown.
    func savepoint<T>(_ body: () throws -> T) throws -> T

    /// Runs `insert`, an INSERT of one row into a table with an `id` the database assigns, and
    /// returns that id (nil when it inserted nothing). Why a requirement: PostgreSQL reads it back
    /// with `RETURNING id` (the default), while on SQLite a RETURNING clause makes every such
    /// statement keep a statement journal, a copy of each page it touches written to a temporary
    /// file: an import of 200,000 rows wrote 3.6 GB there. SQLite reads `last_insert_rowid()`.
    func insertReturningID(_ insert: String, _ arguments: [SQLValue]) throws -> Int64?
}

/// What differs between the databases, in the few statements where it matters.
package enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

extension SQLSession {
    /// `insert` with `RETURNING id`: what PostgreSQL runs.
    package func insertReturningID(_ insert: String, _ arguments: [SQLValue]) throws -> Int64? {
        var id: Int64?
        try forEach(insert + " RETURNING id", arguments) { id = try $0.decode(0, "id") }
        return id
    }

    /// `insertReturningID` with typed arguments.
    package func insertReturningID(_ insert: String, _ arguments: (any SQLColumn)?...) throws -> Int64? {
        try insertReturningID(insert, arguments.map { $0?.sqlValue ?? .null })
    }

    /// `column` as a condition's operand that SQLite's planner will not use an index for (`+status`):
    /// a batch walking the primary key from a cursor must not switch to the status index and rescan
    /// every open row. PostgreSQL plans by statistics and has no such hint.
    package func noIndex(_ column: String) -> String { dialect == .sqlite ? "+" + column : column }

    /// Runs a statement with typed arguments.
    @discardableResult
    package func execute(_ sql: String, _ arguments: (any SQLColumn)?...) throws -> Int {
        try execute(sql, arguments.map { $0?.sqlValue ?? .null })
    }

    /// Every row a query returns.
    package func rows(_ sql: String, _ arguments: [(any SQLColumn)?] = []) throws -> [SQLRow] {
        var out: [SQLRow] = []
        try forEach(sql, arguments.map { $0?.sqlValue ?? .null }) { out.append($0) }
        return out
    }

    /// The first row a query returns, if any.
    package func row(_ sql: String, _ arguments: [(any SQLColumn)?] = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row, as a `T` (nil when there is no row or the value is NULL).
    package func value<T: SQLColumn>(_ type: T.Type, _ sql: String, _ arguments: [(any SQLColumn)?] = []) throws -> T? {
        guard let r = try row(sql, arguments), r.count > 0, !r.values[0].isNull else { return nil }
        return try r.decode(0, "value")
    }

    /// The first column of every row, as `T`s.
    package func values<T: SQLColumn>(_ type: T.Type, _ sql: String, _ arguments: [(any SQLColumn)?] = []) throws -> [T] {
        try rows(sql, arguments).map { try $0.decode(0, "value") }
    }

    /// Every row as a record.
    package func all<R: SQLRecord>(_ type: R.Type, _ sql: String, _ arguments: [(any SQLColumn)?] = []) throws -> [R] {
        try rows(sql, arguments).map { try R(row: $0) }
    }

    /// The first row as a record, if any.
    package func one<R: SQLRecord>(_ type: R.Type, _ sql: String, _ arguments: [(any SQLColumn)?] = []) throws -> R? {
        try row(sql, arguments).map { try R(row: $0) }
    }

    /// Inserts `record` and returns the id the database gave its row (`insertReturningID`), or nil
    /// for a table whose key the record carries.
    @discardableResult
    package func insert<R: SQLRecord>(_ record: R, returningID: Bool = true) throws -> Int64? {
        let columns = try record.sqlColumns()
        // Unquoted: PostgreSQL folds unquoted names to lower case, in the schema and here alike.
        let names = columns.map(\.name).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let sql = "INSERT INTO \(R.tableName) (\(names)) VALUES (\(marks))"
        guard returningID else {
            try execute(sql, columns.map(\.value))
            return nil
        }
        return try insertReturningID(sql, columns.map(\.value))
    }
}
