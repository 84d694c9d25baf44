import DeadlineKit
import Foundation
import Rules
import TestSupport
import Testing

@testable import Store

/// A SQLite state with rows in every table, written through the Store API the way obligd writes it:
/// facts and what they open, a fired reminder, an acknowledgement, a closed obligation with evidence, deliveries
/// (one delivered, a receiver paused), an agenda, a feed, an idempotent request. Why the API and not
/// SQL: the copy must carry what obligd really stores, audit chain included.
enum MigrationFixture {
    static let config = Embedded.configuration
    static let t0 = try! Instant(parsing: "2026-03-05T02:00:00Z")
    static let receiver = "ops-hook"

    /// A legal day as a fact's start.
    static func day(_ text: String) throws -> Start { .day(try CivilDate(parsing: text)) }

    /// Fills `store` (a new SQLite store).
    static func fill(_ store: ObligationStore) async throws {
        let config = self.config
        let (notified, custom) = try await store.transaction(config: config, now: t0, actor: "ops") { r in
            _ = try r.addEntity(id: "acme", name: "Acme 股份", zone: nil, region: nil, owner: "ops", labels: ["site": "sh"])
            _ = try r.addEntity(id: "p", name: "Platform", zone: nil, region: nil, owner: nil, labels: [:])
            let event = try r.addEvent(
                entityId: "acme", kind: "important_data_notified", at: try Self.day("2026-03-03"), ref: "n1", attributes: [:])
            _ = try r.reportMetric(entityId: "p", metric: "registered_users", value: 60_000_000, at: try Self.day("2026-01-10"))
            _ = try r.reportMetric(entityId: "p", metric: "registered_users", value: 20_000_000, at: try Self.day("2026-02-10"))
            _ = try r.addFeed(label: "ops calendar", entity: "acme", tokenHash: String(repeating: "ab", count: 32))
            // The web view: an invite used for a session (both tables are copied).
            _ = try r.addWebInvite(person: "li.wei", role: .writer, tokenHash: String(repeating: "cd", count: 32))
            _ = try r.redeemWebInvite(inviteHash: String(repeating: "cd", count: 32), sessionHash: String(repeating: "ef", count: 32))
            try r.replaceDerivationFingerprints(["rule:custom": "fp-1"])
            let custom = try r.addCustom(
                entityId: "acme", title: "Board report", start: try Self.day("2026-03-02"), period: try Period(parsing: "+10wd"), roll: nil)
            return (try #require(event.opened.first), custom)
        }
        // A reminder stage fired (ledger and outbox), an acknowledgement, a closed obligation.
        let later = Instant(secondsSinceEpoch: try #require(notified.nextReminderAt) + 1)
        _ = try await store.transaction(config: config, now: later, actor: "scheduler") { r in try r.fireReminders() }
        _ = try await store.transaction(config: config, now: later, actor: "li.wei") { r in
            _ = try r.acknowledge(notified.id!, note: "Li Wei drafts it", until: nil)
            _ = try r.close(custom.id!, as: .done, on: nil, note: "filed")
            // Evidence: a file (bytes with every value, so the copy of a blob is checked) and a reference.
            _ = try r.addEvidence(
                to: custom.id!, files: [EvidenceUpload(name: "回执.pdf", mediaType: "application/pdf", content: (0...255).map { UInt8($0) })],
                reference: "44-0192")
        }
        _ = try await store.transaction(config: config, now: later, actor: "ops", idempotencyKey: "k-1", request: "POST /v1/entities q") {
            r in
            _ = try r.addEntity(id: "q", name: "Q", zone: nil, region: nil, owner: nil, labels: [:])
            return (201, Data("{\"id\":\"q\"}".utf8))
        }
        // Delivery: every outbox row routed to one receiver, the first delivered, the receiver then paused.
        let ms = later.secondsSinceEpoch * 1000
        let pending = try await store.undispatchedOutbox(limit: 1000)
        try await store.dispatch(
            pending.map { DeliveryRouting(outboxId: $0.id, receivers: [receiver], lane: .change) }, invalid: [], now: ms)
        var first = try #require(try await store.deliveryHead(receiver: receiver)).delivery
        (first.status, first.attempts, first.lastAttemptAt, first.deliveredAt, first.lastHTTPStatus) = (.delivered, 1, ms, ms, 200)
        try await store.recordDelivery(first, auditNote: nil)
        let next = try #require(try await store.deliveryHead(receiver: receiver)).delivery
        _ = try await store.pauseReceiver(next, reason: "HTTP 401", now: ms + 1000, notice: "check the secret") { _ in 60_000 }
        try await store.queueAgenda(receiver: receiver, day: "2026-03-05", now: ms + 2000)
    }

    /// The obligations (of every status when nil) as their columns: what the daemon lists, compared
    /// field by field.
    static func obligations(_ store: ObligationStore, status: Obligation.Status? = nil) async throws -> [String] {
        let config = self.config
        return try await store.snapshot(config: config, now: t0) { r in
            try r.obligations(matching: .init(status: status)).map { o in
                o.sqlColumns().map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            }
        }
    }

    /// The audit trail as the API gives it, and whether its chain holds from the first row.
    static func audit(_ store: ObligationStore) async throws -> (rows: [String], chained: Int, lastHash: String, broken: String?) {
        let rows = try await store.snapshot(config: config, now: t0) { r in
            try r.auditRows(after: 0, limit: 100_000).map { "\($0.id!) \($0.action) \($0.subject) \($0.hash ?? "-")" }
        }
        let walk = try await store.readSQL { sql in try MigrationDigest.audit(sql) }
        return (rows, walk.rows, walk.lastHash, walk.broken)
    }

    /// Outbox ids in the order delivery reads them (SQLite's rowid, PostgreSQL's seq).
    static func outboxOrder(_ store: ObligationStore) async throws -> [String] {
        try await store.readSQL { sql in
            try sql.values(String.self, "SELECT id FROM outbox ORDER BY \(ObligationStore.outboxOrder(sql.dialect))")
        }
    }
}
