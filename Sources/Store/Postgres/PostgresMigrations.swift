import PostgresNIO

/// One named change to the PostgreSQL schema: statements run in one transaction, recorded in
/// `schema_migrations` so it runs once per database.
/// Why statements and not one script: postgres-nio sends each query with the extended protocol,
/// which takes one statement at a time.
package struct PostgresMigration: Sendable {
    /// The migration's name, recorded once applied; never rename one that has shipped.
    package let name: String
    /// The SQL statements, in order.
    package let statements: [String]

    /// A migration named `name` running `statements`.
    package init(_ name: String, _ statements: [String]) {
        self.name = name
        self.statements = statements
    }
}

/// Brings a PostgreSQL database to the schema this obligd expects.
///
/// Why its own mechanism and not GRDB's migrator: GRDB drives SQLite only. Like it, each migration
/// applies once, in order, in its own transaction, and is recorded by name.
package enum PostgresMigrations {
    /// The key of the advisory lock taken in each migration's transaction (an arbitrary constant,
    /// "obligd" in ASCII). Why: nodes started together migrate one after the other, so each
    /// migration applies once and `CREATE TABLE IF NOT EXISTS` never races with itself.
    static let lockKey: Int64 = 0x6f62_6c69_6764

    /// Applies each of `migrations` (by default `PostgresSchema.migrations`) that the database has
    /// not recorded, in order, and returns the names it applied (none on a database already up to
    /// date). A failed migration is rolled back and reported as `PostgresFailure.migration`.
    @discardableResult
    package static func migrate(
        _ connection: PostgresConnection, logger: Logger, migrations: [PostgresMigration] = PostgresSchema.migrations
    ) async throws -> [String] {
        var applied: [String] = []
        for migration in migrations {
            do {
                let ran = try await connection.transaction(logger: logger) { c in
                    try await c.run("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                    try await c.run(
                        "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                        logger: logger)
                    let done = try await c.run("SELECT 1 FROM schema_migrations WHERE name = \(migration.name)", logger: logger)
                    if try await done.collect().isEmpty == false { return false }
                    for statement in migration.statements { try await c.run(PostgresQuery(unsafeSQL: statement), logger: logger) }
                    try await c.run("INSERT INTO schema_migrations (name) VALUES (\(migration.name))", logger: logger)
                    return true
                }
                if ran { applied.append(migration.name) }
            } catch {
                throw PostgresFailure.migration(name: migration.name, reason: PostgresFailure.reason(error))
            }
        }
        return applied
    }
}
