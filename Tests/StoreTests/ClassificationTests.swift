import DeadlineKit
import Foundation
import GRDB
import Rules
import TestSupport
import Testing

@testable import Store

/// The classification fast path (a report that is the latest of its history changes only the last
/// span) gives exactly what deriving the spans from the whole history gives.
struct ClassificationTests {
    let config = Embedded.configuration

    func spans(_ store: ObligationStore) async throws -> [ClassificationRecord] {
        try await store.read { db in try ClassificationRecord.order(Column("ruleId"), Column("sinceInstant")).fetchAll(db) }
    }

    @Test func theFastPathAgreesWithTheWholeHistory() async throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let fast = try makeTemporaryStore(), full = try makeTemporaryStore()
            let start = try Instant(parsing: "2025-01-01T00:00:00Z")
            // In observation order: values around the large-platform thresholds.
            let values = (0..<60).map { _ in Int64.random(in: 40_000_000...60_000_000, using: &generator) }
            let now = start.adding(seconds: 86_400 * 400)
            let config = self.config
            for store in [fast, full] {
                _ = try await store.write { db in
                    try Recorder(db: db, config: config, now: now, actor: "t").addEntity(
                        id: "p", name: "P", zone: nil, region: nil, owner: nil, labels: [:])
                }
            }
            for (i, v) in values.enumerated() {
                // Reports of "now", two to an instant (a busy reporter within one second): the last of
                // an instant counts, on both paths.
                let when = start.adding(seconds: Int64(i / 2) * 86_400)
                _ = try await fast.write { db in
                    try Recorder(db: db, config: config, now: when, actor: "t").reportMetric(
                        entityId: "p", metric: "registered_users", value: v, at: nil)
                }
                _ = try await full.write { db in
                    let r = Recorder(db: db, config: config, now: when, actor: "t")
                    _ = try r.recordObservation(entityId: "p", metric: "registered_users", value: v, at: nil)
                    return try r.evaluateMetric(entityId: "p", metric: "registered_users")
                }
            }
            let a = try await spans(fast), b = try await spans(full)
            #expect(a == b, "values \(values)")
            #expect(!a.isEmpty || values.allSatisfy { $0 < 50_000_000 })
        }
    }
}
