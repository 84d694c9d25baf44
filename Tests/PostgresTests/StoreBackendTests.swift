import AuditChain
import DeadlineKit
import Foundation
import Rules
import Store
import Synchronization
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
            return try await TestDatabase.with(migrated: false) { db in try await db.withStore(body) }
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

    /// A report is given its row's id, and a report repeated later is recognised by it. On SQLite
    /// the id is read with `last_insert_rowid()`, not `RETURNING id`, whose statement journal took
    /// most of an import's time; on PostgreSQL with `RETURNING id`.
    @Test(arguments: Backend.available)
    func aReportIsGivenTheIdOfItsRow(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let at: @Sendable (Int64) -> Start = { [now] m in .instant(Instant(secondsSinceEpoch: now.secondsSinceEpoch - m * 60)) }
            let ids = try await store.transaction(config: config, now: now, actor: "test") { r in
                _ = try r.addEntity(id: "acme", name: "Acme", zone: nil, region: nil, owner: nil, labels: [:])
                return try (1...3).map { i in try r.reportMetric(entityId: "acme", metric: "registered_users", value: i, at: at(i)).factId }
            }
            let again = try await store.transaction(config: config, now: now, actor: "test") { r in
                try r.reportMetric(entityId: "acme", metric: "registered_users", value: 2, at: at(2))
            }
            let rows = try await store.snapshot(config: config, now: now) { r in
                try r.metricHistory(entity: "acme", metric: "registered_users").compactMap(\.id)
            }
            #expect(ids.count == 3 && Set(ids) == Set(rows))
            #expect(again.duplicate && again.factId == ids[1])
        }
    }

    /// An import looks for an earlier report of a row's instant only when the row is not later than
    /// every report of its metric; a repeat in the same import, one out of order, and a changed value
    /// for an instant recorded before are each still recognised.
    @Test(arguments: Backend.available)
    func anImportRecognisesRepeatsInAndOutOfOrder(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let at: @Sendable (Int64) -> Start = { [now] m in .instant(Instant(secondsSinceEpoch: now.secondsSinceEpoch - 600 + m * 60)) }
            let row: @Sendable (Int64, Int64) -> Recorder.ImportRow = { m, v in
                .metric(entity: "acme", metric: "registered_users", value: v, at: at(m))
            }
            let first = try await store.transaction(config: config, now: now, actor: "test") { r in
                _ = try r.addEntity(id: "acme", name: "Acme", zone: nil, region: nil, owner: nil, labels: [:])
                _ = try r.reportMetric(entityId: "acme", metric: "registered_users", value: 5, at: at(5))
                return try r.importRows([row(1, 1), row(2, 2), row(2, 2), row(1, 1), row(5, 5), row(6, 6)])
            }
            #expect(first.imported == 3 && first.duplicates == 3)
            await #expect(throws: StoreError.self, "a later row first, then another value for a recorded instant") {
                try await store.transaction(config: config, now: now, actor: "test") { r in
                    try r.importRows([row(7, 7), row(6, 60)])
                }
            }
            await #expect(throws: StoreError.self, "another value for an instant of the same import") {
                try await store.transaction(config: config, now: now, actor: "test") { r in
                    try r.importRows([row(8, 8), row(8, 80)])
                }
            }
            let values = try await store.snapshot(config: config, now: now) { r in
                try r.metricHistory(entity: "acme", metric: "registered_users").map(\.value)
            }
            #expect(values.sorted() == [1, 2, 5, 6])
        }
    }

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

/// Fencing on PostgreSQL: once another node took the lease over, every leader's write of the node
/// that lost it (`forLeader()`: firing, delivery, recomputation) fails and leaves nothing, however
/// long it was paused; the API's writes, which any node serves, go on.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct StoreFencingTests {
    let config = Embedded.configuration
    let now = try! Instant(parsing: "2026-03-05T02:00:00Z")

    func add(_ id: String, _ store: ObligationStore) async throws {
        try await store.transaction(config: config, now: now, actor: "test") { r in
            _ = try r.addEntity(id: id, name: id, zone: nil, region: nil, owner: nil, labels: [:])
        }
    }

    @Test func aNodeThatLostTheLeaseCommitsNoLeadersWrite() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let a = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger)
            let b = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger)
            await #expect(throws: NotLeading.self, "no lease yet: no leader's write") { try await add("zero", a.forLeader()) }
            #expect(try await a.lead(node: "a", ttlSeconds: 1) == .leading(epoch: 1))
            guard case .follower(holder: "a", epoch: 1, _, _) = try await b.lead(node: "b", ttlSeconds: 1) else {
                Issue.record("b must follow while a's lease runs")
                return
            }
            try await add("one", a.forLeader())
            await #expect(throws: NotLeading.self) { try await add("b-as-leader", b.forLeader()) }
            try await add("b-api", b)
            try await Task.sleep(for: .milliseconds(1500))  // a is "paused" past its lease
            #expect(try await b.lead(node: "b", ttlSeconds: 10) == .leading(epoch: 2))
            await #expect(throws: LeaseLost.self) { try await add("two", a.forLeader()) }
            await #expect(throws: LeaseLost.self) { try await a.forLeader().confirmLeading() }
            try await b.forLeader().confirmLeading()
            try await add("a-api", a)
            #expect(try await a.renewLeadership() == false)
            await #expect(throws: NotLeading.self, "a forgot the lease it lost") { try await add("two", a.forLeader()) }
            try await add("three", b.forLeader())
            let ids = try await b.snapshot(config: config, now: now) { r in try r.entities().map(\.id) }
            #expect(ids.sorted() == ["a-api", "b-api", "one", "three"])
            await a.close()
            await b.close()
        }
    }

    /// A write through any node wakes the leader: `watchChanges` hears the commit, and no write of
    /// the leader's own (which wakes its services itself) is announced.
    @Test func theLeaderHearsWritesOfOtherNodes() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let leader = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger)
            let other = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger)
            #expect(try await leader.lead(node: "l", ttlSeconds: 30) == .leading(epoch: 1))
            let heard = Mutex(0)
            let watch = Task { await leader.watchChanges { heard.withLock { $0 += 1 } } }
            try await Task.sleep(for: .milliseconds(500))  // LISTEN is in place
            try await add("x", leader.forLeader())
            try await Task.sleep(for: .milliseconds(300))
            #expect(heard.withLock { $0 } == 0, "a leader's write is not announced")
            try await add("y", other)
            try await eventually("the leader hears the other node's commit") { heard.withLock { $0 } == 1 }
            watch.cancel()
            await watch.value
            await leader.close()
            await other.close()
        }
    }

    /// Configuration agreement: a node whose fingerprint differs from the cluster's (the lease's)
    /// does not take an expired lease while a node sharing it was seen within the lease; once none
    /// has been, it does, and its fingerprint becomes the cluster's.
    @Test func aNodeWithAnotherConfigurationLeadsOnlyWhenNoNodeAgrees() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let store = try await ObligationStore(postgres: db.url, password: nil, logger: db.logger)
            func beat(_ name: String, _ fp: String) async throws {
                try await store.heartbeat(.init(name: name, version: "t", fingerprint: fp, role: "follower"))
            }
            try await beat("a", "X")
            #expect(try await store.lead(node: "a", ttlSeconds: 1, fingerprint: "X") == .leading(epoch: 1))
            try await beat("b", "X")
            try await beat("c", "Y")
            try await Task.sleep(for: .milliseconds(1200))  // a's lease expired; b was seen within 1 s
            try await beat("b", "X")
            guard
                case .follower(holder: "a", epoch: 1, _, fingerprint: "X") = try await store.lead(
                    node: "c", ttlSeconds: 1, fingerprint: "Y")
            else {
                Issue.record("c (Y) must not overtake while b (X) runs")
                return
            }
            #expect(try await store.lead(node: "b", ttlSeconds: 1, fingerprint: "X") == .leading(epoch: 2))
            try await Task.sleep(for: .milliseconds(1200))  // b went silent and its lease expired
            #expect(try await store.lead(node: "c", ttlSeconds: 1, fingerprint: "Y") == .leading(epoch: 3))
            let status = try #require(try await store.clusterStatus())
            #expect(status.lease?.fingerprint == "Y" && status.lease?.holder == "c")
            #expect(status.nodes.map(\.report.name) == ["a", "b", "c"])
            await store.close()
        }
    }
}
