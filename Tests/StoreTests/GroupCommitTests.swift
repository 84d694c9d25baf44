import DeadlineKit
import Foundation
import GRDB
import Rules
import TestSupport
import Testing

@testable import Store

/// A shared transaction that cannot even begin (another connection holds the write lock past the
/// busy timeout) fails its writes with the database's error; it never leaves a caller waiting.
@Suite struct GroupCommitTests {
    @Test(.timeLimit(.minutes(1))) func aTransactionThatCannotBeginFailsItsCallersInsteadOfHangingThem() async throws {
        let store = try makeTemporaryStore()
        let config = Embedded.configuration
        // Another connection holding the write lock across accesses (GRDB forbids that unless asked).
        var unsafe = GRDB.Configuration()
        unsafe.allowsUnsafeTransactions = true
        let blocker = try DatabaseQueue(path: store.path, configuration: unsafe)
        try await blocker.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }
        let now = try Instant(parsing: "2025-06-15T00:00:00Z")
        let outcome = await Task {
            try await store.transaction(config: config, now: now, actor: "test") { r in
                try r.addEntity(id: "acme", name: "ACME", zone: nil, region: nil, owner: nil, labels: [:])
            }
        }.result
        guard case let .failure(error) = outcome else {
            Issue.record("the write succeeded while another connection held the write lock")
            return
        }
        #expect("\(error)".contains("locked") || "\(error)".contains("busy"), "\(error)")
        try await blocker.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
        // The store goes on: the next write commits.
        _ = try await store.transaction(config: config, now: now, actor: "test") { r in
            try r.addEntity(id: "acme", name: "ACME", zone: nil, region: nil, owner: nil, labels: [:])
        }
    }
}
