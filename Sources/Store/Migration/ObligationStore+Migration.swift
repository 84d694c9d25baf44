import Foundation
import GRDB
import Logging
import PostgresNIO

/// `obligctl migrate`: the SQLite state copied into an empty PostgreSQL database, verified, in one
/// PostgreSQL transaction. Why one transaction and not batches committed one by one: a copy that
/// fails midway (a refused row, a lost connection, obligctl killed) is rolled back by the server, so
/// the target never holds half a state that a daemon could start on; the audit trail's append-only
/// trigger would also forbid cleaning up after a partial commit. Inside it, rows go in INSERTs of up
/// to 1,000 rows (one round trip each); PostgreSQL keeps a long transaction's rows on disk, not in memory.
extension ObligationStore {
    /// Copies `path` (obligd's SQLite file, opened read-only) into the PostgreSQL database at `url`,
    /// which must be empty, and verifies the copy. Refusals change nothing on the target: its
    /// emptiness is checked before obligd's schema is created on it.
    package static func migrate(sqlite path: String, to url: PostgresURL, password: PostgresPassword?) async throws -> MigrationReport {
        let source = try migrationSource(path)
        try await source.checkSourceSchema()
        var logger = Logger(label: "obligd.migrate") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let backend = PostgresBackend(configuration: try url.configuration(password: password), logger: logger)
        do {
            try await backend.read { sql in try PostgresMigrationTarget.requireEmpty(sql, server: url.description) }
            let target = try await ObligationStore(postgres: backend, display: url.description)
            let report = try await migrate(from: source, to: target)
            await backend.close()
            return report
        } catch let error as PSQLError {
            // postgres-nio's own errors come from connecting only; a statement's fail as PostgresStatementError.
            await backend.close()
            throw MigrationError.unreachable(server: url.description, reason: PostgresFailure.reason(error))
        } catch let PostgresFailure.unreachable(server, reason) {
            await backend.close()
            throw MigrationError.unreachable(server: server, reason: reason)
        } catch {
            await backend.close()
            throw error
        }
    }

    /// Copies every table of `source` (SQLite) into `target` (PostgreSQL, schema created, empty) in one
    /// transaction, ids kept, identity sequences moved past them; then, before committing, compares
    /// both sides table by table (rows and checksum) and walks the audit chain on both. A mismatch
    /// rolls everything back. `rowsPerInsert` is the batch of one INSERT statement.
    package static func migrate(
        from source: ObligationStore, to target: ObligationStore, rowsPerInsert: Int = 1000
    ) async throws
        -> MigrationReport
    {
        let start = ContinuousClock.now
        guard case let .sqlite(pool, _) = source.backend, case .postgres = target.backend else {
            throw StoreError.invalid(
                field: "migrate", problem: "copies from SQLite to PostgreSQL only", fix: "give a SQLite source and a PostgreSQL target")
        }
        try await source.checkSourceSchema()
        let (from, server) = (source.path, target.path)
        let shapes = try await source.readSQL { sql in try MigrationTables.shapes(sql, source: from) }
        let columns = try await target.readSQL { sql in try PostgresMigrationTarget.columns(sql) }
        try MigrationTables.checkTarget(columns, shapes, server: server)
        let (tables, audit) = try await target.writeSQL { pg in
            // Under the write lock every node takes: nobody can fill the target between check and copy.
            try PostgresMigrationTarget.requireEmpty(pg, server: server)
            // This transaction waits for SQLite between its statements (a batch read, the source's
            // checksums), longer than the idle limit PostgresBackend sets for a cluster's writes on a
            // large state; ended by the server, the copy would fail as a lost connection. No node
            // runs on an empty target for the write lock to hold up (requireEmpty, just above).
            try PostgresMigrationTarget.allowIdle(pg)
            // One SQLite snapshot for the copy and its check; the daemon is stopped, but a snapshot
            // holds even if it were not. GRDB's synchronous read, since this runs on the PostgreSQL
            // transaction's own thread, which waits for each statement anyway.
            return try pool.read { db in
                let src = SQLiteSession(db)
                for shape in shapes { try copy(shape, from: src, to: pg, rowsPerInsert: rowsPerInsert) }
                try PostgresMigrationTarget.advanceIdentities(pg, shapes, floors: try autoincrementFloors(src))
                return try verify(shapes, source: src, from, target: pg, server)
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return MigrationReport(
            source: from, target: server, tables: tables, auditRows: audit.rows, auditLastHash: audit.lastHash, seconds: seconds)
    }

    /// obligd's SQLite file opened read-only and not migrated: a file of another version is refused by
    /// `checkSourceSchema`, never upgraded, and the copy cannot change it.
    static func migrationSource(_ path: String) throws -> ObligationStore {
        guard FileManager.default.fileExists(atPath: path) else { throw MigrationError.sourceMissing(path: path) }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let pool = try DatabasePool(path: path, configuration: config)
        return ObligationStore(backend: .sqlite(pool, GroupCommit(writer: pool)), path: path)
    }

    /// Refuses a source whose applied migrations are not exactly this build's.
    func checkSourceSchema() async throws {
        let expected = Schema.migrator.migrations
        let applied = try await readSQL { sql in
            guard try sql.value(Int.self, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'") == 1
            else { return [String]() }
            return try sql.values(String.self, "SELECT identifier FROM grdb_migrations")
        }
        guard Set(applied) != Set(expected) else { return }
        let ordered = expected.filter(applied.contains) + applied.filter { !expected.contains($0) }.sorted()
        throw MigrationError.sourceSchema(path: path, applied: ordered, expected: expected)
    }

    /// Copies one table in its copy order, `rowsPerInsert` rows per statement (fewer for wide tables:
    /// PostgreSQL takes at most 65,535 parameters). Returns the rows copied.
    @discardableResult
    static func copy(_ shape: MigrationTables.Shape, from src: any SQLSession, to pg: any SQLSession, rowsPerInsert: Int) throws -> Int {
        let names = shape.columns.joined(separator: ", ")
        let perInsert = max(1, min(rowsPerInsert, 60_000 / shape.columns.count))
        let tuple = "(" + Array(repeating: "?", count: shape.columns.count).joined(separator: ", ") + ")"
        let full = "INSERT INTO \(shape.name) (\(names)) VALUES " + Array(repeating: tuple, count: perInsert).joined(separator: ", ")
        var values: [SQLValue] = []
        var pending = 0, copied = 0
        func flush() throws {
            guard pending > 0 else { return }
            let sql =
                pending == perInsert
                ? full : "INSERT INTO \(shape.name) (\(names)) VALUES " + Array(repeating: tuple, count: pending).joined(separator: ", ")
            let inserted = try pg.execute(sql, values)
            guard inserted == pending else {
                throw MigrationError.verification(
                    server: "the target", problems: ["\(shape.name): \(pending) rows sent, \(inserted) inserted"])
            }
            copied += pending
            values.removeAll(keepingCapacity: true)
            pending = 0
        }
        try src.forEach("SELECT \(names) FROM \(shape.name) ORDER BY \(shape.order(src.dialect))", []) { row in
            values.append(contentsOf: row.values)
            pending += 1
            if pending == perInsert { try flush() }
        }
        try flush()
        return copied
    }

    /// SQLite's AUTOINCREMENT counters by table: ids handed out, including those of rows since deleted.
    static func autoincrementFloors(_ src: any SQLSession) throws -> [String: Int64] {
        guard try src.value(Int.self, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'") == 1 else {
            return [:]
        }
        var floors: [String: Int64] = [:]
        try src.forEach("SELECT name, seq FROM sqlite_sequence", []) { floors[try $0.decode(0, "name")] = try $0.decode(1, "seq") }
        return floors
    }

    /// Both sides' checksums and audit chains, compared; the source's, when they agree.
    static func verify(
        _ shapes: [MigrationTables.Shape], source src: any SQLSession, _ from: String, target pg: any SQLSession, _ server: String
    ) throws -> (tables: [MigrationReport.Table], audit: (rows: Int, lastHash: String)) {
        let sourceAudit = try MigrationDigest.audit(src)
        if let broken = sourceAudit.broken {
            throw MigrationError.sourceAudit(path: from, problem: broken)
        }
        let expected = try MigrationDigest.tables(src, shapes), found = try MigrationDigest.tables(pg, shapes)
        var problems: [String] = zip(expected, found).compactMap { e, f in
            if e.rows != f.rows { return "\(e.name): \(e.rows) rows in the source, \(f.rows) on the target" }
            if e.sha256 != f.sha256 { return "\(e.name): the same \(e.rows) rows, other content (sha256 \(e.sha256) and \(f.sha256))" }
            return nil
        }
        let targetAudit = try MigrationDigest.audit(pg)
        if let broken = targetAudit.broken { problems.append(broken) }
        if targetAudit.lastHash != sourceAudit.lastHash || targetAudit.rows != sourceAudit.rows {
            problems.append(
                "audit chain: \(sourceAudit.rows) rows ending in \(sourceAudit.lastHash) in the source, "
                    + "\(targetAudit.rows) ending in \(targetAudit.lastHash) on the target")
        }
        guard problems.isEmpty else { throw MigrationError.verification(server: server, problems: problems) }
        return (expected, (sourceAudit.rows, sourceAudit.lastHash))
    }
}
