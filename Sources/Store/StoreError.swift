/// Why a store operation refused to change anything. Each case carries what a client needs to fix it.
package enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request is wrong: `field` names the input, `problem` what is wrong, `fix` what to send instead.
    case invalid(field: String, problem: String, fix: String)
    case notFound(String)
    case conflict(String)

    /// One line for the API's error body and obligctl: the field, the problem and the fix for `invalid`.
    package var description: String {
        switch self {
        case let .invalid(field, problem, fix): "\(field): \(problem); \(fix)"
        case let .notFound(what): "\(what) not found"
        case let .conflict(what): what
        }
    }
}

extension StoreError {
    /// Runs `body`, prefixing the field of an `invalid` error it throws with `prefix` (`records[3]`)
    /// and appending `suffix` to its fix: a client learns which element of a batch was wrong. The
    /// prefix is built only for an error (an import locates each of 200,000 rows).
    package static func locate<T>(_ prefix: @autoclosure () -> String, suffix: String = "", _ body: () throws -> T) throws -> T {
        do { return try body() } catch let StoreError.invalid(field, problem, fix) {
            throw StoreError.invalid(field: "\(prefix()).\(field)", problem: problem, fix: fix + suffix)
        }
    }
}

extension StoreError {
    /// An operation of SQLite's own (a file backup, its integrity check) asked of a PostgreSQL store.
    static let sqliteOnly = StoreError.conflict(
        "this needs obligd's SQLite database; on PostgreSQL use the server's own tools (pg_dump, pg_basebackup)")
}

/// A statement did not do what the database promises it does (an INSERT ... RETURNING id with no
/// row): a fault of obligd or the server, not of the request, so it answers 500 and is logged, never
/// a 400 that tells the caller to fix an input that was fine.
package struct StoreFault: Error, CustomStringConvertible {
    /// What the database failed to do, for the log.
    package var description: String
    /// A fault described by `description`.
    package init(_ description: String) { self.description = description }
}
