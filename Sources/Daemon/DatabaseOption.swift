import Foundation
import Logging
import Store

/// Where obligd keeps its state when not in its SQLite file: a PostgreSQL server (`--database`,
/// `$OBLIGD_DATABASE`), with the password from `--database-password-file` or systemd's credential
/// `obligd-db-password` (never from the URL, which shows in `ps` and logs).
package struct DatabaseOption: Sendable {
    package let url: PostgresURL
    package let password: PostgresPassword?

    /// The option's value (or the environment's), checked: nil when neither is given (SQLite).
    package static func resolve(
        url text: String?, passwordFile: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> DatabaseOption? {
        let source = text != nil ? "--database" : "OBLIGD_DATABASE"
        guard let text = text ?? environment["OBLIGD_DATABASE"], !text.isEmpty else { return nil }
        let url = try PostgresURL(parsing: text, source: source)
        return DatabaseOption(url: url, password: try PostgresPassword.load(passwordFile: passwordFile, environment: environment))
    }

    /// This node's name in the lease: the host and the process, so a restarted obligd is a new holder.
    static var nodeName: String { "\(ProcessInfo.processInfo.hostName):\(getpid())" }

    /// How long the lease lasts without renewal: a node that stops renewing is taken over after it.
    static let leaseSeconds: Int64 = 10
}

/// Opens the store: SQLite in the state directory, or the PostgreSQL server of `database`, where this
/// node must take the lease (a second node on one database is refused for now: #16's followers are
/// still to come, and two leaders would fire every reminder twice).
func openStore(_ paths: DaemonPaths, _ database: DatabaseOption?, logger: Logger) async throws -> ObligationStore {
    guard let database else { return try ObligationStore(path: paths.databasePath) }
    let store = try await ObligationStore(postgres: database.url, password: database.password, logger: logger)
    switch try await store.lead(node: DatabaseOption.nodeName, ttlSeconds: DatabaseOption.leaseSeconds) {
    case let .leading(epoch):
        logger.notice("state on PostgreSQL at \(database.url) (lease epoch \(epoch.map(String.init) ?? "-"))")
        return store
    case let .follower(holder, epoch, expires):
        await store.close()
        throw StartupError(
            description: "another obligd (\(holder), lease epoch \(epoch), expires in \(expires) s) runs on \(database.url); "
                + "only one node may run on a database for now: stop that one, or start this one after its lease expires")
    }
}
