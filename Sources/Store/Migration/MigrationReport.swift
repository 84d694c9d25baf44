/// What `obligctl migrate` copied and verified: per table the rows and the checksum both databases
/// gave, the audit trail's last hash (which an auditor compares with `obligctl audit verify` on the
/// new database later) and how long it took. Why Codable: `--json` prints it as is.
package struct MigrationReport: Sendable, Equatable, Codable {
    /// One table: its rows and the SHA-256 of its canonical rows, equal on both sides.
    package struct Table: Sendable, Equatable, Codable {
        /// The table's name.
        package var name: String
        /// How many rows each side holds.
        package var rows: Int
        /// The lowercase hex SHA-256 of the rows in key order (`MigrationDigest`), equal on both sides.
        package var sha256: String
    }

    /// The SQLite file copied.
    package var source: String
    /// The PostgreSQL database, as it may be shown (no password).
    package var target: String
    /// Every copied table, in copy order.
    package var tables: [Table]
    /// Rows of the audit trail, whose chain held end to end on both sides.
    package var auditRows: Int
    /// The hash of the last audit row, the same on both sides.
    package var auditLastHash: String
    /// Seconds from the first check to the commit.
    package var seconds: Double
    /// Always true in a report: a copy that does not verify is rolled back and thrown instead.
    package var verified = true

    /// Rows copied, all tables together.
    package var rows: Int { tables.reduce(0) { $0 + $1.rows } }
}

/// Why `migrate` refused or failed, with what, where and how to fix it. Nothing was committed to the
/// target in any case (the empty tables a first run creates may stay; a later run accepts them).
package enum MigrationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No SQLite database at the path.
    case sourceMissing(path: String)
    /// No connection to the target (refused, timed out, authentication failed, no such database).
    case unreachable(server: String, reason: String)
    /// The source was written by another obligd version (its applied migrations differ).
    case sourceSchema(path: String, applied: [String], expected: [String])
    /// The source's own audit chain is broken: a copy would carry the damage over unnoticed.
    case sourceAudit(path: String, problem: String)
    /// The target holds something: obligd state, another application's tables, a live node.
    case targetNotEmpty(server: String, holds: String)
    /// The target's schema was made by a newer obligd.
    case targetSchema(server: String, unknown: [String])
    /// The tables or columns of a database differ from what this build copies.
    case schemaDrift(String)
    /// The copy does not match the source (rolled back).
    case verification(server: String, problems: [String])

    /// One line for an operator.
    package var description: String {
        switch self {
        case let .sourceMissing(path):
            "no obligd database at \(path); give the state directory obligd ran with (--state-dir, default /var/lib/obligd)"
        case let .unreachable(server, reason):
            "cannot connect to PostgreSQL at \(server): \(reason); nothing was changed; check that the server runs and "
                + "the URL given with --to (role, host, database), and the password (--database-password-file, "
                + "or the credential obligd-db-password)"
        case let .sourceSchema(path, applied, expected):
            "\(path) has the schema of another obligd version (migrations \(Self.range(applied)); this obligctl copies "
                + "\(Self.range(expected))); start this version's obligd on it once, so it migrates the file, stop it, "
                + "and run migrate again"
        case let .sourceAudit(path, problem):
            "\(path): \(problem); nothing was copied; find out what changed the trail (obligctl audit verify) and "
                + "migrate a verified backup (obligctl backup verify) instead"
        case let .targetNotEmpty(server, holds):
            "the target \(server) is not empty: it holds \(holds); nothing was changed. migrate copies into an empty database only: "
                + "create a new one (createdb -O obligd obligd) or, if that state is not needed, drop and create it again"
        case let .targetSchema(server, unknown):
            "the target \(server) has migrations of a newer obligd (\(unknown.joined(separator: ", "))); nothing was changed; "
                + "migrate with that version's obligctl, or into a new, empty database"
        case let .schemaDrift(what): "\(what); nothing was changed; this is a bug of obligctl, please report it"
        case let .verification(server, problems):
            "the copy on \(server) does not match the source: \(problems.joined(separator: "; ")); it was rolled back, "
                + "so \(server) holds no state; keep running obligd on SQLite and report this"
        }
    }

    private static func range(_ names: [String]) -> String {
        guard let first = names.first, let last = names.last else { return "none" }
        return first == last ? first : "\(first) to \(last), \(names.count) in all"
    }
}
