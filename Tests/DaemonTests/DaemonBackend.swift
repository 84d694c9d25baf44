import Foundation
import Logging
import PostgresNIO
import Store
import TestSupport

/// The database every `DaemonProcess` of this run keeps its state in: `OBLIGD_TEST_BACKEND`,
/// `sqlite` (the default) or `postgres` (a database of its own on `OBLIGD_TEST_POSTGRES_URL`).
///
/// Why from the environment and not a test argument: the daemon suite is the same tests on either
/// backend, so `scripts/test` runs it twice (the second time with `OBLIGD_TEST_BACKEND=postgres`)
/// instead of every test taking a parameter. A test that checks something only one backend has
/// (the SQLite file, its lock, its backups) says so with `.enabled(if: DaemonBackend.isSQLite)`.
enum DaemonBackend: String {
    case sqlite, postgres

    /// This run's backend; a value other than the two stops the run with what to set.
    static let current: DaemonBackend = {
        let value = ProcessInfo.processInfo.environment["OBLIGD_TEST_BACKEND"] ?? ""
        if value.isEmpty { return .sqlite }
        guard let backend = DaemonBackend(rawValue: value) else {
            fatalError("OBLIGD_TEST_BACKEND=\(value): use sqlite (the default) or postgres")
        }
        if backend == .postgres && !TestPostgres.available {
            fatalError("OBLIGD_TEST_BACKEND=postgres needs OBLIGD_TEST_POSTGRES_URL: \(TestPostgres.skipReason.rawValue)")
        }
        return backend
    }()

    /// The column that orders the outbox as rows were inserted (SQLite's rowid, PostgreSQL's identity).
    var outboxOrder: String { self == .sqlite ? "rowid" : "seq" }

    /// Whether this run keeps state in SQLite. Why a property: `.enabled(if: DaemonBackend.isSQLite, ...)`.
    static var isSQLite: Bool { current == .sqlite }
}

extension TestPostgres {
    /// Creates an empty database of its own on the test server and returns its URL.
    /// Why: a daemon under test gets a database nobody else writes (as each gets its own state
    /// directory); the server is thrown away at the end of the run, so nothing drops it.
    static func createDatabase() async throws -> String {
        guard let url else { throw TestFailure("OBLIGD_TEST_POSTGRES_URL is not set: \(skipReason.rawValue)") }
        var server = try PostgresURL(parsing: url, source: "OBLIGD_TEST_POSTGRES_URL")
        let logger = Logger(label: "obligd.tests.postgres")
        let admin = try await server.connect(password: nil, logger: logger)
        let name = "obligd_d_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        do {
            try await admin.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        } catch {
            try? await admin.close()
            throw error
        }
        try? await admin.close()
        server.database = name
        return server.description
    }
}
