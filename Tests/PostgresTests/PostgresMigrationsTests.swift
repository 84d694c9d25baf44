import PostgresNIO
import Store
import TestSupport
import Testing

/// The PostgreSQL schema is brought up to date once per database, however many nodes start at once.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct PostgresMigrationsTests {
    @Test func migrationsApplyOnceAndASecondRunAppliesNothing() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let c = try await db.connect()
            #expect(try await PostgresMigrations.migrate(c, logger: db.logger) == PostgresSchema.migrations.map(\.name))
            #expect(try await PostgresMigrations.migrate(c, logger: db.logger) == [])
            #expect(
                try await db.value("SELECT count(*)::int8 FROM schema_migrations", as: Int64.self) == Int64(PostgresSchema.migrations.count)
            )
            #expect(try await db.value("SELECT count(*)::int8 FROM leader_lease", as: Int64.self) == 0)
        }
    }

    @Test func nodesMigratingTogetherApplyEachMigrationOnce() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let (a, b, c) = (try await db.connect(), try await db.connect(), try await db.connect())
            async let first = PostgresMigrations.migrate(a, logger: db.logger)
            async let second = PostgresMigrations.migrate(b, logger: db.logger)
            async let third = PostgresMigrations.migrate(c, logger: db.logger)
            let applied = try await first + second + third
            #expect(applied.sorted() == PostgresSchema.migrations.map(\.name).sorted())
        }
    }

    @Test func aFailingMigrationIsRolledBackAndNamed() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let good = PostgresMigration("t-1-good", ["CREATE TABLE good (x int)"])
            let bad = PostgresMigration("t-2-bad", ["CREATE TABLE half (x int)", "SELECT no_such_column FROM good"])
            let c = try await db.connect()
            let error = try await #require(throws: PostgresFailure.self) {
                try await PostgresMigrations.migrate(c, logger: db.logger, migrations: [good, bad])
            }
            guard case let .migration(name, reason) = error else { throw error }
            #expect(name == "t-2-bad" && reason.contains("no_such_column"), "\(error)")
            #expect(try await db.value("SELECT string_agg(name, ',') FROM schema_migrations", as: String.self) == "t-1-good")
            #expect(try await db.value("SELECT count(*)::int8 FROM pg_tables WHERE tablename = 'half'", as: Int64.self) == 0)
            #expect(try await PostgresMigrations.migrate(c, logger: db.logger, migrations: [good]) == [])
        }
    }
}
