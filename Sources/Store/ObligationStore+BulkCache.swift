import CLinux
import GRDB

/// A larger page cache for the writer while a bulk pass runs.
extension ObligationStore {
    /// The writer's page cache during a bulk pass, in KiB: a rule change that moves every obligation
    /// touches each page of the obligation table and of its due-day indexes, in an order those
    /// indexes do not follow. With SQLite's default 2 MiB nearly every touch read the page again
    /// from the kernel; 32 MiB held most of what a pass revisits (raw SQL over a million rows: the
    /// moves' UPDATE took 11.5 s with 2 MiB, 5.3 s with 32 MiB, 4.8 s with 256 MiB).
    static let bulkCacheKiB = 32 * 1024

    /// Runs `body` with the writer's page cache at `bulkCacheKiB`, then puts the cache back to its
    /// size before and hands the memory back (`PRAGMA shrink_memory`), so an idle daemon stays
    /// small. PostgreSQL has a cache of its own: there, `body` just runs.
    package func withBulkCache<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        guard case let .sqlite(pool, _) = backend else { return try await body() }
        let before = try await pool.writeWithoutTransaction { db in
            let size = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = \(-Self.bulkCacheKiB)")
            return size
        }
        func restore() async throws {
            try await pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA cache_size = \(before)")
                try db.execute(sql: "PRAGMA shrink_memory")
            }
            // The freed pages go back to malloc, which keeps them unless told to hand them back.
            _ = malloc_trim(0)
        }
        do {
            let result = try await body()
            try await restore()
            return result
        } catch {
            try? await restore()
            throw error
        }
    }
}
