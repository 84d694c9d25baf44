import Foundation

/// Where obligd's PostgreSQL database is, read from a `postgres://user@host:port/db?sslmode=...` URL.
///
/// Why a type of our own: the URL comes from `--database`, `OBLIGD_DATABASE` or obligd.json, so it
/// shows up in `ps`, shell history and logs; this value holds everything a connection needs except
/// the password (which comes from a file, `PostgresPassword`), and can be printed safely.
package struct PostgresURL: Equatable, Sendable, CustomStringConvertible {
    /// How to reach the server.
    package enum Endpoint: Equatable, Sendable {
        /// The server's Unix socket in `directory` (libpq's `host=/dir`): the socket file is
        /// `directory/.s.PGSQL.<port>`.
        case socket(directory: String, port: Int)
        /// TCP to `host:port`.
        case tcp(host: String, port: Int)
    }

    /// libpq's `sslmode`, which decides whether TCP is encrypted and what is verified.
    package enum SSLMode: String, Equatable, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// The server to connect to.
    package var endpoint: Endpoint
    /// The role to log in as.
    package var user: String
    /// The database; nil means the role's name, as in libpq.
    package var database: String?
    /// TLS for TCP; ignored on a Unix socket, as in libpq.
    package var sslMode: SSLMode
    /// A file of CA certificates (PEM) to verify the server with (`sslrootcert=`); nil: the system's.
    package var sslRootCert: String?
    /// `application_name`, shown in `pg_stat_activity`; names the node in the server's view.
    package var applicationName: String?
    /// How long to wait for the server to accept a connection (`connect_timeout=`, seconds).
    package var connectTimeout: Int

    /// The directory of the server's socket when the URL names no host: Debian's default.
    package static let defaultSocketDirectory = "/var/run/postgresql"

    /// The URL again, without anything secret (there is nothing secret in it), for logs and status.
    package var description: String {
        var query = ["sslmode=\(sslMode.rawValue)"]
        let authority: String
        switch endpoint {
        case let .socket(directory, port):
            authority = "\(user)@localhost:\(port)"
            query.insert("host=\(directory)", at: 0)
        case let .tcp(host, port):
            authority = "\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)"
        }
        if let applicationName { query.append("application_name=\(applicationName)") }
        return "postgres://\(authority)/\(database ?? "")?" + query.joined(separator: "&")
    }
}
