import Foundation
import GRDB
import Testing

@testable import Store

/// The writer's larger page cache during a bulk pass (`ObligationStore.withBulkCache`).
@Suite struct BulkCacheTests {
    struct Failed: Error {}

    func store() throws -> ObligationStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obligd-bulk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try ObligationStore(path: dir.appendingPathComponent("obligd.sqlite").path)
    }

    func cacheSize(_ store: ObligationStore) async throws -> Int {
        try await store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0 }
    }

    @Test func theWriterHasTheBulkCacheDuringThePassAndItsOwnAfter() async throws {
        let s = try store()
        let before = try await cacheSize(s)
        let during = try await s.withBulkCache { try await cacheSize(s) }
        #expect(during == -ObligationStore.bulkCacheKiB)
        #expect(during != before)
        #expect(try await cacheSize(s) == before)
    }

    @Test func aPassThatFailsStillPutsTheCacheBack() async throws {
        let s = try store()
        let before = try await cacheSize(s)
        await #expect(throws: Failed.self) {
            try await s.withBulkCache { () async throws -> Int in throw Failed() }
        }
        #expect(try await cacheSize(s) == before)
    }
}
