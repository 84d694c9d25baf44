import Foundation
import Logging
import Store

/// Where obligd keeps its state when not in its SQLite file: a PostgreSQL server (`--database`,
/// `$OBLIGD_DATABASE` or obligd.json's `database`), with the password from `--database-password-file` or systemd's credential
/// `obligd-db-password` (never from the URL, which shows in `ps` and logs).
package struct DatabaseOption: Sendable {
    /// The server and database, checked; it carries no password.
    package let url: PostgresURL
    /// The password, from the file or systemd's credential; nil when neither is given (peer or trust auth).
    package let password: PostgresPassword?
    /// How long the lease lasts without renewal (`--lease-seconds`): a leader that stops renewing
    /// (dead, hung, cut off) is taken over after at most this long, plus a third of it.
    package var leaseSeconds: Int64 = 10

    /// The option's value (or the environment's), checked: nil when neither is given (SQLite).
    package static func resolve(
        url text: String?, passwordFile: String?, leaseSeconds: Int64? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> DatabaseOption? {
        // Checked whether or not a server is named here: obligd.json may name it (`load`).
        if let leaseSeconds, !(3...600).contains(leaseSeconds) {
            throw StartupError(
                description: "--lease-seconds \(leaseSeconds) is out of range: use 3 to 600 (default 10); "
                    + "a node is taken over after its lease plus a third of it")
        }
        let source = text != nil ? "--database" : "OBLIGD_DATABASE"
        guard let text = text ?? environment["OBLIGD_DATABASE"], !text.isEmpty else { return nil }
        let url = try PostgresURL(parsing: text, source: source)
        var option = DatabaseOption(url: url, password: try PostgresPassword.load(passwordFile: passwordFile, environment: environment))
        if let leaseSeconds { option.leaseSeconds = leaseSeconds }
        return option
    }

    /// This node's name in the lease: the host and the process, so a restarted obligd is a new holder.
    static var nodeName: String { "\(ProcessInfo.processInfo.hostName):\(getpid())" }
}

/// Opens the store: SQLite in the state directory, or the PostgreSQL server of `database`.
func openStore(_ paths: DaemonPaths, _ database: DatabaseOption?, logger: Logger) async throws -> ObligationStore {
    guard let database else { return try ObligationStore(path: paths.databasePath) }
    // A node stalled inside a write holds every node's writes up for no longer than a stalled leader
    // holds up the cluster anyway: the lease.
    let store = try await ObligationStore(
        postgres: database.url, password: database.password, logger: logger, idleLimit: .seconds(database.leaseSeconds))
    logger.notice("state on PostgreSQL at \(database.url)")
    return store
}
