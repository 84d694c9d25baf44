import DeadlineKit
import Foundation
import GRDB
import Rules
import Store

/// What a receiver answered to `sendTest`.
public struct TestSendResult: Sendable, Equatable {
    public var receiver: String
    /// nil when no answer came (timeout, refused connection).
    public var httpStatus: Int?
    /// The answer's body (up to 2 KiB), or the transport error.
    public var answer: String
    public var verdict: DeliveryVerdict
    public var milliseconds: Int64
    public var delivered: Bool { verdict == .delivered }
}

/// The operations behind `obligctl outbox list|retry|drop` and `obligctl notify test`.
extension Dispatcher {
    /// Outbox rows, newest first, with each receiver's delivery state.
    public func listOutbox(filter: OutboxFilter = .all, limit: Int = 100) async throws -> [OutboxItem] {
        let condition: String = switch filter {
        case .all: "1"
        case .pending: "(o.status = 'pending' OR EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status = 'pending'))"
        case .dead: "EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status = 'dead')"
        case .delivered: "(o.status = 'dispatched' AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.outboxId = o.id AND d.status <> 'delivered'))"
        }
        return try await store.read { db in
            let rows = try OutboxEntry.fetchAll(db, sql: "SELECT o.* FROM outbox o WHERE \(condition) ORDER BY o.rowid DESC LIMIT ?",
                                                arguments: [max(1, min(limit, 10_000))])
            return try rows.map { o in
                let ds = try DeliveryRecord.fetchAll(db, sql: "SELECT * FROM delivery WHERE outboxId = ? ORDER BY receiver", arguments: [o.id])
                return OutboxItem(id: o.id, createdAt: o.createdAt, kind: o.kind, obligationId: o.obligationId, status: o.status,
                                  lastError: o.lastError, deliveries: ds)
            }
        }
    }

    /// Revives dead deliveries of an outbox row (all receivers, or one) so they are sent again next,
    /// ahead of the receiver's newer messages, with a fresh retry budget. Audited.
    /// - Returns: the number of deliveries revived.
    @discardableResult
    public func retry(outboxId: String, receiver: String? = nil, actor: String) async throws -> Int {
        let now = clock.now()
        let count = try await store.write { db -> Int in
            guard try OutboxEntry.fetchOne(db, key: outboxId) != nil else { throw StoreError.notFound("outbox \(outboxId)") }
            let dead = try DeliveryRecord.fetchAll(db, sql: "SELECT * FROM delivery WHERE outboxId = ? AND status = 'dead' AND (? IS NULL OR receiver = ?)",
                                                   arguments: [outboxId, receiver, receiver])
            guard !dead.isEmpty else {
                throw StoreError.conflict("outbox \(outboxId) has no dead deliveries\(receiver.map { " to \($0)" } ?? "") to retry")
            }
            for var d in dead {
                let before = d.lastError
                d.status = .pending
                d.attempts = 0
                d.firstAttemptAt = nil
                d.nextAttemptAt = now
                try d.update(db)
                var a = AuditEntry(id: nil, at: now / 1000, actor: actor, action: "delivery.retry", subject: "outbox:\(outboxId)",
                                   before: "dead", after: "pending", note: "receiver \(d.receiver); last error: \(before ?? "none")")
                try a.insert(db)
            }
            return dead.count
        }
        wake()
        return count
    }

    /// Drops the undelivered deliveries of an outbox row (all receivers, or one); a row not yet
    /// dispatched is dropped whole and never sent. Audited with the reason.
    /// - Returns: the number of deliveries dropped (0 when only the undispatched row was dropped).
    @discardableResult
    public func drop(outboxId: String, receiver: String? = nil, actor: String, reason: String?) async throws -> Int {
        let now = clock.now()
        let count = try await store.write { db -> Int in
            guard let o = try OutboxEntry.fetchOne(db, key: outboxId) else { throw StoreError.notFound("outbox \(outboxId)") }
            if o.status == "pending", receiver == nil {
                try db.execute(sql: "UPDATE outbox SET status = 'dropped' WHERE id = ?", arguments: [outboxId])
                var a = AuditEntry(id: nil, at: now / 1000, actor: actor, action: "outbox.dropped", subject: "outbox:\(outboxId)",
                                   before: "pending", after: "dropped", note: reason)
                try a.insert(db)
                return 0
            }
            let open = try DeliveryRecord.fetchAll(db, sql: "SELECT * FROM delivery WHERE outboxId = ? AND status IN ('pending', 'dead') AND (? IS NULL OR receiver = ?)",
                                                   arguments: [outboxId, receiver, receiver])
            guard !open.isEmpty else {
                throw StoreError.conflict("outbox \(outboxId) has nothing undelivered\(receiver.map { " to \($0)" } ?? "") to drop")
            }
            for var d in open {
                let before = d.status.rawValue
                d.status = .dropped
                try d.update(db)
                var a = AuditEntry(id: nil, at: now / 1000, actor: actor, action: "delivery.dropped", subject: "outbox:\(outboxId)",
                                   before: before, after: "dropped", note: "receiver \(d.receiver)" + (reason.map { ": \($0)" } ?? ""))
                try a.insert(db)
            }
            return open.count
        }
        wake()
        return count
    }

    /// Sends a sample reminder to `receiver` now, outside the queue (nothing is stored), and reports the
    /// receiver's answer, so an operator can check a URL, secret and format before a deadline depends on it.
    public func sendTest(receiver name: String) async throws -> TestSendResult {
        let setup = try setup()
        guard let receiver = setup.delivery.receiver(named: name) else {
            let known = setup.delivery.receivers.map(\.name)
            throw StoreError.invalid(field: "receiver", problem: "no receiver '\(name)'",
                                     fix: known.isEmpty ? "configure receivers in obligd.json" : "use one of: \(known.joined(separator: ", "))")
        }
        let now = clock.now()
        let zone = Zone.shanghai
        let due = zone.day(of: Instant(secondsSinceEpoch: now / 1000)).adding(days: 7)
        let payload: [String: Any] = [
            "kind": "reminder", "obligation": 0, "entity": "obligd-test", "rule": "", "title": "obligd test notification",
            "due": due.description, "dueInstant": zone.endOfDay(due).secondsSinceEpoch, "provisional": false, "status": "open",
            "stage": "before:-7d", "late": false, "scheduledAt": now / 1000,
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys]), as: UTF8.self)
        let n = try Notification(id: "test-" + UUID().uuidString.lowercased(), createdAt: now / 1000, payload: text)
        let rendered = setup.renderer.render(n, entity: nil, language: receiver.language, now: Instant(secondsSinceEpoch: now / 1000))
        let format = receiver.makeFormat()
        let request = try format.request(for: OutgoingMessage(notification: n, rendered: rendered), now: now)
        do {
            let response = try await transport.send(request, timeout: receiver.timeout)
            return TestSendResult(receiver: name, httpStatus: response.status, answer: response.bodyText,
                                  verdict: format.interpret(response), milliseconds: clock.now() - now)
        } catch {
            let why = HTTPClientTransport.describe(error, timeout: receiver.timeout)
            return TestSendResult(receiver: name, httpStatus: nil, answer: why, verdict: .retry(after: nil, reason: why),
                                  milliseconds: clock.now() - now)
        }
    }

    /// Shuts down the HTTP client when `run()` was never started (tools, tests); `run()` does it itself.
    public func shutdown() async {
        try? await client.shutdown()
    }
}
