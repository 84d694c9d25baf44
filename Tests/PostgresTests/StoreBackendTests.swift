import AuditChain
import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

/// The backends a Store test runs on: SQLite always, PostgreSQL when the test server is there
/// (`OBLIGD_TEST_POSTGRES_URL`, which scripts/test and CI always set).
enum Backend: String, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    static var available: [Backend] { TestPostgres.available ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }

    /// Runs `body` with a new, empty store on this backend (its own file, or its own database).
    func withStore<T>(_ body: (ObligationStore) async throws -> T) async throws -> T {
        switch self {
        case .sqlite: return try await body(try makeTemporaryStore())
        case .postgres:
            return try await TestDatabase.with(migrated: false) { db in
                let store = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger)
                do {
                    let result = try await body(store)
                    await store.close()
                    return result
                } catch {
                    await store.close()
                    throw error
                }
            }
        }
    }
}

/// The store's guarantees, the same test on each backend: a fact and what it causes commit together
/// or not at all; a reminder stage fires once; a retried request is answered from its record; the
/// audit chain verifies.
struct StoreBackendTests {
    let config = Embedded.configuration
    let now = try! Instant(parsing: "2026-03-05T02:00:00Z")
    let notified = Start.day(try! CivilDate(parsing: "2026-03-03"))

    @Test(arguments: Backend.available)
    func aFactAndWhatItCausesCommitTogether(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let opened = try await store.transaction(config: config, now: now, actor: "test") { r in
                _ = try r.addEntity(id: "acme", name: "Acme", zone: nil, region: nil, owner: "ops", labels: ["site": "sh"])
                return try r.addEvent(entityId: "acme", kind: "important_data_notified", at: notified, ref: "n1", attributes: [:]).opened
            }
            #expect(opened.count == 1)
            let o = try #require(opened.first)
            let rule = try #require(config.rule("cn.important-data.assessment"))
            let expected = try config.calendar("cn").deadline(from: try CivilDate(parsing: "2026-03-03"), try #require(rule.period)).due
            #expect(o.due == expected)
            let (listed, history, entity) = try await store.snapshot(config: config, now: now) { r in
                (try r.obligations(matching: .init()), try r.history(of: o.id!), try r.findEntity("acme"))
            }
            #expect(listed.map(\.id) == [o.id])
            #expect(listed.first?.calendars == o.calendars && listed.first?.start == o.start)
            #expect(history.map(\.action) == ["obligation.opened"])
            #expect(entity?.labels.values == ["site": "sh"])
            // A transaction that fails after writing leaves nothing behind: no entity, no audit row.
            await #expect(throws: StoreError.self) {
                try await store.transaction(config: config, now: now, actor: "test") { r in
                    _ = try r.addEntity(id: "beta", name: "Beta", zone: nil, region: nil, owner: nil, labels: [:])
                    _ = try r.addEntity(id: "beta", name: "Beta again", zone: nil, region: nil, owner: nil, labels: [:])
                }
            }
            let after = try await store.snapshot(config: config, now: now) { r in
                (try r.findEntity("beta"), try r.auditRows(after: 0, limit: 100))
            }
            #expect(after.0 == nil)
            var walk = AuditChain.Walk()
            for row in after.1 {
                let chained = AuditChain.Row(
                    id: row.id!, at: row.at, actor: row.actor, action: row.action, subject: row.subject, before: row.before,
                    after: row.after, note: row.note)
                #expect(walk.take(chained, stored: row.hash) == nil, "audit row \(row.id!) does not chain")
            }
            #expect(walk.count == 2)  // entity.created, obligation.opened
        }
    }

    @Test(arguments: Backend.available)
    func aReminderStageFiresOnce(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let o = try await store.transaction(config: config, now: now, actor: "test") { r in
                _ = try r.addEntity(id: "acme", name: "Acme", zone: nil, region: nil, owner: nil, labels: [:])
                return try r.addEvent(entityId: "acme", kind: "important_data_notified", at: notified, ref: "n1", attributes: [:])
                    .opened[0]
            }
            let first = try #require(o.nextReminderAt)
            let at = Instant(secondsSinceEpoch: first + 1)
            let fired = try await store.transaction(config: config, now: at, actor: "scheduler") { r in try r.fireReminders() }
            #expect(fired.sent == 1)
            let again = try await store.transaction(config: config, now: at, actor: "scheduler") { r in try r.fireReminders() }
            #expect(again.sent == 0)
            let next = try await store.snapshot(config: config, now: at) { r in try r.findObligation(o.id!)?.nextReminderAt }
            #expect(next != nil && next! > first)
        }
    }

    @Test(arguments: Backend.available)
    func aRetriedRequestIsAnsweredFromItsRecord(_ backend: Backend) async throws {
        try await backend.withStore { store in
            @Sendable func add(_ name: String) async throws -> (status: Int, response: Data) {
                try await store.transaction(
                    config: config, now: now, actor: "test", idempotencyKey: "k1", request: "add acme"
                ) { r in
                    let e = try r.addEntity(id: "acme", name: name, zone: nil, region: nil, owner: nil, labels: [:])
                    return (201, Data(e.name.utf8))
                }
            }
            let first = try await add("Acme")
            let retry = try await add("Acme")
            #expect(first.status == 201 && retry.status == 201 && retry.response == Data("Acme".utf8))
            await #expect(throws: StoreError.self) {
                try await store.transaction(config: config, now: now, actor: "test", idempotencyKey: "k1", request: "other") { _ in
                    (200, Data())
                }
            }
        }
    }
}

/// Fencing on PostgreSQL: once another node took the lease over, every write of the node that lost
/// it fails and leaves nothing, however long it was paused.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct StoreFencingTests {
    let config = Embedded.configuration
    let now = try! Instant(parsing: "2026-03-05T02:00:00Z")

    @Test func aNodeThatLostTheLeaseCommitsNothing() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let a = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger)
            let b = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger)
            #expect(try await a.lead(node: "a", ttlSeconds: 1) == .leading(epoch: 1))
            guard case .follower(holder: "a", epoch: 1, _) = try await b.lead(node: "b", ttlSeconds: 1) else {
                Issue.record("b must follow while a's lease runs")
                return
            }
            try await a.transaction(config: config, now: now, actor: "a") { r in
                _ = try r.addEntity(id: "one", name: "One", zone: nil, region: nil, owner: nil, labels: [:])
            }
            try await Task.sleep(for: .milliseconds(1500))  // a is "paused" past its lease
            #expect(try await b.lead(node: "b", ttlSeconds: 10) == .leading(epoch: 2))
            await #expect(throws: LeaseLost.self) {
                try await a.transaction(config: config, now: now, actor: "a") { r in
                    _ = try r.addEntity(id: "two", name: "Two", zone: nil, region: nil, owner: nil, labels: [:])
                }
            }
            #expect(try await a.renewLeadership() == false)
            try await b.transaction(config: config, now: now, actor: "b") { r in
                _ = try r.addEntity(id: "three", name: "Three", zone: nil, region: nil, owner: nil, labels: [:])
            }
            let ids = try await b.snapshot(config: config, now: now) { r in try r.entities().map(\.id) }
            #expect(ids == ["one", "three"])
            await a.close()
            await b.close()
        }
    }
}
