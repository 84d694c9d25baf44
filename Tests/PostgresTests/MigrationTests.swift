import DeadlineKit
import Foundation
import GRDB
import PostgresNIO
import Rules
import Synchronization
import TestSupport
import Testing

@testable import Store

/// `ObligationStore.migrate`: a real SQLite state copied into a real PostgreSQL database. The copy
/// holds everything (the same obligations, audit chain, outbox order, checksums from the committed
/// rows), the daemon's Store goes on from it, and every refusal or failure leaves the target as it was.
struct MigrationTests {
    static let pg = TestPostgres.available
    let config = MigrationFixture.config

    /// A new SQLite store with the fixture's state.
    func filledSource() async throws -> ObligationStore {
        let source = try makeTemporaryStore()
        try await MigrationFixture.fill(source)
        return source
    }

    /// Every table of both schemas is copied or left out with a reason, and the lists name no table
    /// that is gone: a table added to `Schema.swift` or `PostgresSchema.swift` fails here until it is
    /// placed in `MigrationTables.copied` or `MigrationTables.notCopied`.
    @Test func everyTableOfBothSchemasIsCopiedOrLeftOutWithAReason() async throws {
        let copied = Set(MigrationTables.copied), notCopied = Set(MigrationTables.notCopied.keys)
        #expect(copied.isDisjoint(with: notCopied))
        #expect(MigrationTables.notCopied.values.allSatisfy { !$0.isEmpty })
        #expect(MigrationTables.sqliteOnly.union(MigrationTables.postgresOnly) == notCopied)
        let sqlite = try await makeTemporaryStore().readSQL { sql in
            Set(try sql.values(String.self, "SELECT name FROM sqlite_master WHERE type = 'table'"))
        }
        #expect(sqlite.subtracting(notCopied) == copied, "a table of Schema.swift is neither copied nor left out, or the reverse")
        #expect(MigrationTables.sqliteOnly.isSubset(of: sqlite), "MigrationTables.sqliteOnly names a table SQLite does not have")
        #expect(try await makeTemporaryStore().readSQL { sql in try MigrationTables.sqliteTables(sql) } == copied)
        guard Self.pg else { return }
        try await TestDatabase.with(migrated: false) { db in
            let postgres = try await db.withStore { t in try await t.readSQL { sql in Set(try PostgresMigrationTarget.columns(sql).keys) }
            }
            #expect(
                postgres.subtracting(notCopied) == Set(copied.map { $0.lowercased() }),
                "a table of PostgresSchema.swift is neither copied nor left out, or the reverse")
            #expect(
                MigrationTables.postgresOnly.isSubset(of: postgres), "MigrationTables.postgresOnly names a table PostgreSQL does not have")
        }
    }

    @Test(.enabled(if: pg, TestPostgres.skipReason))
    func theCopyHoldsEverythingAndTheDaemonGoesOnFromIt() async throws {
        let source = try await filledSource()
        try await TestDatabase.with(migrated: false) { db in
            let report = try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            #expect(report.tables.map(\.name) == MigrationTables.copied)
            for t in report.tables { #expect(t.rows > 0, "the fixture leaves \(t.name) empty, so its copy goes untested: fill it") }
            try await db.withStore { target in
                #expect(try await MigrationFixture.obligations(target) == MigrationFixture.obligations(source))
                let (theirs, ours) = (try await MigrationFixture.audit(target), try await MigrationFixture.audit(source))
                #expect(theirs.rows == ours.rows && theirs.broken == nil && ours.broken == nil)
                #expect(theirs.lastHash == ours.lastHash && theirs.lastHash == report.auditLastHash && theirs.chained == report.auditRows)
                #expect(try await MigrationFixture.outboxOrder(target) == MigrationFixture.outboxOrder(source))
                // Checked again on the committed rows, apart from the copy's own check before its commit.
                let shapes = try await source.readSQL { sql in try MigrationTables.shapes(sql, source: "source") }
                #expect(try await target.readSQL { sql in try MigrationDigest.tables(sql, shapes) } == report.tables)
                try await goesOn(target, after: source)
            }
        }
    }

    /// What obligd does next on the copy: facts get ids past the copied ones, the chain goes on,
    /// new outbox rows are routed.
    func goesOn(_ target: ObligationStore, after source: ObligationStore) async throws {
        let maxID = try await source.readSQL { sql in try sql.value(Int64.self, "SELECT max(id) FROM obligation") } ?? 0
        let before = try await MigrationFixture.obligations(target).count
        let later = Instant(secondsSinceEpoch: MigrationFixture.t0.secondsSinceEpoch + 86_400)
        let added = try await target.transaction(config: config, now: later, actor: "ops") { r in
            _ = try r.reportMetric(entityId: "p", metric: "registered_users", value: 70_000_000, at: nil)
            let day = Start.day(try CivilDate(parsing: "2026-03-04"))
            return try r.addEvent(entityId: "acme", kind: "important_data_notified", at: day, ref: "n2", attributes: [:]).opened
        }
        #expect(!added.isEmpty && added.allSatisfy { $0.id! > maxID }, "a new obligation reuses a copied id")
        #expect(try await MigrationFixture.obligations(target).count == before + added.count)
        let audit = try await MigrationFixture.audit(target)
        #expect(audit.broken == nil && audit.chained == audit.rows.count)
        let pending = try await target.undispatchedOutbox(limit: 100)
        #expect(!pending.isEmpty)
        try await target.dispatch(
            pending.map { DeliveryRouting(outboxId: $0.id, receivers: ["other"], lane: .change) }, invalid: [],
            now: later.secondsSinceEpoch * 1000)
        #expect(try await target.deliveryHead(receiver: "other") != nil)
    }

    @Test(.enabled(if: pg, TestPostgres.skipReason))
    func aTargetWithStateIsRefusedAndUnchanged() async throws {
        let source = try await filledSource()
        let shapes = try await source.readSQL { sql in try MigrationTables.shapes(sql, source: "source") }
        try await TestDatabase.with(migrated: false) { db in
            let state = try await db.withStore { t in
                _ = try await t.transaction(config: config, now: MigrationFixture.t0, actor: "ops") { r in
                    try r.addEntity(id: "live", name: "Live", zone: nil, region: nil, owner: nil, labels: [:])
                }
                return try await t.readSQL { sql in try MigrationDigest.tables(sql, shapes) }
            }
            let error = await #expect(throws: MigrationError.self) {
                try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            }
            #expect(
                error?.description.contains("the target \(db.url) is not empty: it holds obligd state in audit, entity") == true,
                "\(String(describing: error))")
            #expect(error?.description.contains("createdb") == true)
            #expect(try await db.withStore { t in try await t.readSQL { sql in try MigrationDigest.tables(sql, shapes) } } == state)
        }
    }

    @Test(.enabled(if: pg, TestPostgres.skipReason))
    func anotherApplicationsDatabaseIsRefusedAndUnchanged() async throws {
        let source = try await filledSource()
        try await TestDatabase.with(migrated: false) { db in
            try await db.connect().query("CREATE TABLE invoice (id bigint PRIMARY KEY)", logger: db.logger)
            let error = await #expect(throws: MigrationError.self) {
                try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            }
            #expect(error?.description.contains("table(s) invoice of another application") == true, "\(String(describing: error))")
            #expect(
                try await db.value("SELECT to_regclass('schema_migrations') IS NULL", as: Bool.self) == true, "obligd's schema was created")
        }
    }

    /// The copy is one transaction that waits for the SQLite source between its statements, and the
    /// server ends a transaction idle past `idle_in_transaction_session_timeout`, which every
    /// connection of PostgresBackend sets to the lease's length (10 s by default): a source slower
    /// than that between two batches (a large table, a slow disk) must not end the copy.
    @Test(.enabled(if: pg, TestPostgres.skipReason))
    func aSlowSourceDoesNotEndTheCopy() async throws {
        let filled = try await filledSource()
        // The same file, read through a pool whose first read of the delivery table (copied late,
        // inside the PostgreSQL transaction) stalls for longer than the target's idle limit.
        let stalled = Atomic<Bool>(false)
        var config = Configuration()
        config.readonly = true
        config.prepareDatabase { db in
            db.trace(options: .statement) { event in
                guard "\(event)".contains("FROM delivery ORDER BY"), !stalled.exchange(true, ordering: .relaxed) else { return }
                Thread.sleep(forTimeInterval: 2.5)
            }
        }
        let pool = try DatabasePool(path: filled.path, configuration: config)
        let source = ObligationStore(backend: .sqlite(pool, GroupCommit(writer: pool)), path: filled.path)
        try await TestDatabase.with(migrated: false) { db in
            let target = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger, idleLimit: .seconds(1))
            let report: MigrationReport
            do {
                report = try await ObligationStore.migrate(from: source, to: target)
                await target.close()
            } catch {
                await target.close()
                throw error
            }
            let didStall = stalled.load(ordering: .relaxed)
            #expect(didStall, "the source did not stall: the test tests nothing")
            #expect(report.tables.first { $0.name == "delivery" }?.rows ?? 0 > 0)
            #expect(try await db.value("SELECT count(*) FROM delivery", as: Int64.self) ?? 0 > 0)
        }
    }

    /// A server that cannot be reached is named with what to check, in migrate's own options.
    @Test func anUnreachableTargetIsNamedWithWhatToCheck() async throws {
        let source = try await filledSource()
        let nowhere = try makeTemporaryDirectory("no-postgres").appendingPathComponent("none").path
        let url = try PostgresURL(parsing: "postgres://obligd@localhost/obligd?host=\(nowhere)", source: "--to")
        let error = await #expect(throws: MigrationError.self) {
            try await ObligationStore.migrate(sqlite: source.path, to: url, password: nil)
        }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("cannot connect to PostgreSQL at \(url): "), "\(text)")
        #expect(text.contains("nothing was changed") && text.contains("--to") && text.contains("--database-password-file"), "\(text)")
        #expect(!text.contains("--database,"), "names obligd's options, not migrate's: \(text)")
    }

    /// The cluster's tables are not copied (`MigrationTables.notCopied`), so a target an obligd leads
    /// or beats on, even one with no state yet, is in use: refused, and unchanged.
    @Test(.enabled(if: pg, TestPostgres.skipReason))
    func aTargetWithALiveLeaseOrANodeIsRefusedAndUnchanged() async throws {
        let source = try await filledSource()
        try await TestDatabase.with(migrated: true) { db in
            let lease = try #require(try await db.node().acquire(node: "db2:4242", ttl: .seconds(60)))
            let error = await #expect(throws: MigrationError.self) {
                try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            }
            #expect(
                error?.description.hasPrefix("the target \(db.url) is not empty: it holds a live obligd (db2:4242 holds the lease)")
                    == true,
                "\(String(describing: error))")
            // Given up (a clean stop), the lease alone is no refusal; the node's heartbeat is.
            try await db.node().release(lease)
            try await db.withStore { t in try await t.heartbeat(.init(name: "db2:4242", version: "t", fingerprint: "f", role: "leader")) }
            let beat = await #expect(throws: MigrationError.self) {
                try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            }
            #expect(
                beat?.description.contains("is not empty: it holds the heartbeat of obligd node(s) db2:4242 (seen ") == true,
                "\(String(describing: beat))")
            for table in MigrationTables.copied {
                #expect(try await db.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int64.self) == 0, "\(table)")
            }
            #expect(try await db.value("SELECT count(*) FROM cluster_node", as: Int64.self) == 1)
            // Without it, the same target is taken, and the expired lease stays for the next leader.
            _ = try await db.connect().query("DELETE FROM cluster_node", logger: db.logger)
            let report = try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            #expect(report.rows > 0)
            #expect(try await db.value("SELECT epoch FROM leader_lease", as: Int64.self) == lease.epoch)
        }
    }

    /// A schema of a newer obligd is named as such, not as another application's tables.
    @Test(.enabled(if: pg, TestPostgres.skipReason))
    func aTargetOfANewerObligdIsNamedSo() async throws {
        let source = try await filledSource()
        try await TestDatabase.with(migrated: true) { db in
            let c = try await db.connect()
            try await c.query("CREATE TABLE future_thing (id bigint PRIMARY KEY)", logger: db.logger)
            try await c.query("INSERT INTO schema_migrations (name) VALUES ('999-future')", logger: db.logger)
            let error = await #expect(throws: MigrationError.self) {
                try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            }
            #expect(error == .targetSchema(server: db.url.description, unknown: ["999-future"]), "\(String(describing: error))")
        }
    }

    @Test(.enabled(if: pg, TestPostgres.skipReason))
    func aSourceOfAnotherVersionIsRefused() async throws {
        let source = try await filledSource()
        _ = try await source.writeSQL { sql in
            try sql.execute("DELETE FROM grdb_migrations WHERE identifier = ?", "v15-lapsed-entity-attributes")
        }
        try await TestDatabase.with(migrated: false) { (db: TestDatabase) async throws in
            let error = await #expect(throws: MigrationError.self) {
                try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            }
            let expected = "has the schema of another obligd version (migrations v1 to v14-evidence"
            #expect(error?.description.contains(expected) == true)
            #expect(try await db.value("SELECT to_regclass('schema_migrations') IS NULL", as: Bool.self) == true)
        }
    }

    @Test(.enabled(if: pg, TestPostgres.skipReason))
    func aCopyThatFailsMidwayLeavesNoState() async throws {
        let source = try await filledSource()
        try await TestDatabase.with(migrated: true) { db in
            // The delivery table, copied late, refuses its rows: everything before it must go too.
            let c = try await db.connect()
            try await c.query(
                PostgresQuery(
                    unsafeSQL: "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$"),
                logger: db.logger)
            try await c.query("CREATE TRIGGER refuse BEFORE INSERT ON delivery FOR EACH ROW EXECUTE FUNCTION refuse()", logger: db.logger)
            await #expect(throws: PostgresStatementError.self) {
                try await ObligationStore.migrate(sqlite: source.path, to: db.url, password: nil)
            }
            for table in MigrationTables.copied {
                #expect(try await db.value(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), as: Int64.self) == 0, "\(table)")
            }
        }
    }
}
