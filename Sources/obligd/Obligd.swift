import APIModel
import ArgumentParser
import Daemon
import Delivery
import Foundation
import Logging
import NIOCore
import NIOPosix

@main
enum Main {
    static func main() async {
        // Swift concurrency's jobs run on NIO's event loops (epoll) instead of libdispatch's global
        // queues: on Linux the first worker of a global queue starts libdispatch's workqueue monitor,
        // a 1 s timer that never stops, and obligd is meant to make no wake-ups while idle.
        if !NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() {
            FileHandle.standardError.write(
                Data(
                    "obligd: Swift concurrency stays on libdispatch (the NIO executor hook is unavailable); expect a wake-up per second while idle\n"
                        .utf8))
        }
        await Obligd.main()
    }
}

struct Obligd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obligd",
        abstract: "The obligd daemon: derives legal deadlines from facts and keeps them in SQLite.",
        discussion: """
            With no options it runs on the embedded defaults: state in $STATE_DIRECTORY, else \
            $XDG_STATE_HOME/obligd (/var/lib/obligd as root); socket in $RUNTIME_DIRECTORY, else \
            $XDG_RUNTIME_DIR/obligd (/run/obligd as root); configuration from $CONFIGURATION_DIRECTORY or \
            /etc/obligd overlaying the embedded rule pack and calendars.
            """)

    @Option(help: ArgumentHelp("State directory (database).", valueName: "dir")) var stateDir: String?
    @Option(help: ArgumentHelp("Unix socket path of the API.", valueName: "path")) var socket: String?
    @Option(help: ArgumentHelp("Configuration directory overlaying the embedded defaults.", valueName: "dir")) var config: String?
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.") var logLevel: String = "info"
    @Option(
        help: ArgumentHelp(
            "Log format: auto (text on a terminal or without a journal, else the journal), journal, text, or json "
                + "(one object per line, for log shippers).", valueName: "format")) var logFormat: String = "auto"
    @Option(
        help: ArgumentHelp(
            "Also serve /metrics and calendar feeds (read-only) and the web view (signed-in people only) over TCP "
                + "on this address, e.g. 127.0.0.1:9464; also $OBLIGD_HTTP_LISTEN. Off by default.", valueName: "host:port"))
    var httpListen: String?
    @Option(
        help: ArgumentHelp(
            "Keep the state on this PostgreSQL server instead of SQLite in the state directory, e.g. "
                + "postgres://obligd@db.example/obligd or postgres://obligd@localhost/obligd?host=/run/postgresql; "
                + "also $OBLIGD_DATABASE, or \"database\": {\"url\": ...} in obligd.json. Never put the password in the URL.",
            valueName: "url")) var database: String?
    @Option(
        help: ArgumentHelp(
            "File holding the database password (else systemd's credential obligd-db-password, if any).", valueName: "path"))
    var databasePasswordFile: String?
    @Option(
        help: ArgumentHelp(
            "With a PostgreSQL server: how long the leader's lease lasts unrenewed, 3 to 600 (default 10); a dead or hung "
                + "leader is taken over within it plus a third.", valueName: "seconds")) var leaseSeconds: Int64?

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("'\(logLevel)' is not a log level; use trace, debug, info, notice, warning, error or critical")
        }
        let format: LogFormat
        if logFormat == "auto" {
            format = LogFormat.automatic()
        } else {
            guard let chosen = LogFormat(rawValue: logFormat) else {
                throw ValidationError("'\(logFormat)' is not a log format; use auto, journal, text or json")
            }
            format = chosen
        }
        // The journal keeps fields and priorities; a terminal gets one human line per entry.
        let journal = JournalWriter(format: format)
        LoggingSystem.bootstrap { label in
            var h = JournalLogHandler(label: label, writer: journal)
            h.logLevel = level
            return h
        }
        let listen: ListenAddress?
        do {
            listen = try (httpListen ?? EnvironmentValue.value("OBLIGD_HTTP_LISTEN", in: ProcessInfo.processInfo.environment)).map {
                try ListenAddress(parsing: $0)
            }
        } catch {
            throw ValidationError("\(error)")
        }
        let store: DatabaseOption?
        do {
            store = try DatabaseOption.resolve(url: database, passwordFile: databasePasswordFile, leaseSeconds: leaseSeconds)
        } catch {
            throw ValidationError("\(error)")
        }
        let logger = Logger(label: "obligd")
        let paths = DaemonPaths(stateDirectory: stateDir, socketPath: socket, configDirectory: config)
        try await Daemon(
            paths: paths, logger: logger, httpListen: listen, journal: journal, database: store,
            databaseFlags: .init(passwordFile: databasePasswordFile, leaseSeconds: leaseSeconds)
        ).run()
    }
}
