import PostgresNIO

/// Why a PostgreSQL operation of Store failed, in words an operator can act on.
///
/// Why not postgres-nio's `PSQLError`: its description is deliberately a fixed placeholder (the
/// details may hold query text), so a log or a failed test would only say "PSQLError"; this names
/// the server (never the password), the step, and what the server or the network said.
package enum PostgresFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// No connection to `server` (the URL without secrets): refused, timed out, authentication failed.
    case unreachable(server: String, reason: String)
    /// The migration `name` failed and was rolled back; the schema is as it was before it.
    case migration(name: String, reason: String)
    /// The connection was closed (by the server, the network or obligd) before the statement was
    /// sent; an open transaction on it is gone, rolled back by the server.
    case disconnected

    /// What failed, where, and what to check: the line an operator reads in the journal.
    package var description: String {
        switch self {
        case let .unreachable(server, reason):
            "cannot connect to PostgreSQL at \(server): \(reason); check that the server runs, the URL "
                + "(--database, OBLIGD_DATABASE or obligd.json) and the password file"
        case let .migration(name, reason): "PostgreSQL migration \(name) failed and was rolled back: \(reason)"
        case .disconnected: "the connection to PostgreSQL is closed; its open transaction, if any, was rolled back; reconnect"
        }
    }

    /// What `error` says: the server's message and SQLSTATE, or the client's error code and cause.
    /// Why only these fields: they carry no query parameters, so nothing secret reaches a log.
    package static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if let info = error.serverInfo, let message = info[.message] {
            return message + (info[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        }
        return error.code.description + (error.underlying.map { ": \($0)" } ?? "")
    }
}
