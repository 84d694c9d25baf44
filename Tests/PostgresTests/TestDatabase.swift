import Foundation
import PostgresNIO
import Store
import Synchronization
import TestSupport

/// A database of its own on the test server (`OBLIGD_TEST_POSTGRES_URL`) for one test, dropped at
/// the end with every connection the test opened through it.
///
/// Why a database per test and not a schema: leases, advisory locks and migrations then cannot see
/// another test's rows or locks, whatever order Swift Testing runs them in.
final class TestDatabase: Sendable {
    /// The URL of this test's database.
    let url: PostgresURL
    /// Where postgres-nio logs.
    let logger = Logger(label: "obligd.tests.postgres")
    /// The connections opened through `connect`, closed before the database is dropped.
    private let opened = Mutex<[PostgresConnection]>([])

    /// Why private: only `with` makes one, so every test database is dropped at the end.
    private init(url: PostgresURL) { self.url = url }

    /// The test server's URL; fails (never skips) when it is set but not a valid URL.
    static func serverURL() throws -> PostgresURL {
        try PostgresURL(parsing: TestPostgres.url ?? "", source: "OBLIGD_TEST_POSTGRES_URL")
    }

    /// Creates a fresh database, migrated when `migrated`, runs `body` with it, then closes the
    /// connections it opened and drops it. Why a closure: cleanup is async, and `defer` cannot await.
    static func with<T>(migrated: Bool = true, _ body: (TestDatabase) async throws -> T) async throws -> T {
        let server = try serverURL()
        let logger = Logger(label: "obligd.tests.postgres")
        let admin = try await server.connect(password: nil, logger: logger)
        let name = "obligd_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await admin.query("CREATE DATABASE \(unescaped: name)", logger: logger)
        var url = server
        url.database = name
        let database = TestDatabase(url: url)
        let result: Result<T, any Error>
        do {
            if migrated { try await PostgresMigrations.migrate(try await database.connect(), logger: logger) }
            result = .success(try await body(database))
        } catch { result = .failure(error) }
        for connection in database.opened.withLock({ $0 }) { try? await connection.close() }
        do { try await admin.query("DROP DATABASE \(unescaped: name) WITH (FORCE)", logger: logger) } catch {
            // Not a failure of the test (the server is thrown away), but worth seeing.
            FileHandle.standardError.write(Data("warning: test database \(name) was not dropped: \(PostgresFailure.reason(error))\n".utf8))
        }
        try? await admin.close()
        return try result.get()
    }

    /// Runs `body` with an `ObligationStore` on this database (obligd's schema created if missing),
    /// closed after it whatever happened. Why here: the Store tests and the migration tests both
    /// open one, and the store must be closed before the database is dropped.
    func withStore<T>(_ body: (ObligationStore) async throws -> T) async throws -> T {
        let store = try await ObligationStore(postgres: url, password: nil, logger: logger)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// A new connection to this test's database, closed when the test ends.
    func connect() async throws -> PostgresConnection {
        let connection = try await url.connect(password: nil, logger: logger)
        opened.withLock { $0.append(connection) }
        return connection
    }

    /// The lease table on a new connection: one node's view.
    func node() async throws -> LeaderLeases {
        LeaderLeases(connection: try await connect(), logger: logger)
    }

    /// The single value of `query`'s first row, read on a new connection.
    func value<V: PostgresDecodable & Sendable>(_ query: PostgresQuery, as type: V.Type = V.self) async throws -> V? {
        let rows = try await connect().query(query, logger: logger)
        for try await v in rows.decode(V.self) { return v }
        return nil
    }
}

/// What happened, in the order it happened, across tasks. Why: the fence tests prove an order
/// (a takeover after a commit), and an actor gives the one order every task appends in.
actor EventLog {
    private(set) var events: [String] = []

    /// Records `event` after every event recorded before it.
    func append(_ event: String) { events.append(event) }
}
