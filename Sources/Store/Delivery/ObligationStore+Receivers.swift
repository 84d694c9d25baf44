import Foundation
import GRDB

/// Pausing and resuming receivers, and what each receiver's queue holds.
extension ObligationStore {
    /// Records a probe or first attempt that a receiver answered with a configuration error: the
    /// delivery stays pending (its retry budget untouched: the message is not at fault) and is sent
    /// again at the next probe. The first such answer pauses the receiver, audits it and queues a
    /// `delivery.failing` notice for the other receivers, in one transaction.
    /// - Parameters:
    ///   - probeDelay: the wait before the probe after `probes` failed probes (milliseconds).
    ///   - notice: the note the notice carries (what to do).
    /// - Returns: the pause as it stands, and whether this answer began it.
    package func pauseReceiver(
        _ attempt: DeliveryRecord, reason: String, now: Int64, notice: String,
        probeDelay: @escaping @Sendable (Int) -> Int64
    ) async throws -> (pause: ReceiverPause, began: Bool) {
        try await write { db in
            var pause: ReceiverPause
            let began: Bool
            if var p = try ReceiverPause.fetchOne(db, key: attempt.receiver) {
                p.probes += 1
                p.reason = reason
                p.nextProbeAt = now + probeDelay(p.probes)
                pause = p
                began = false
            } else {
                pause = ReceiverPause(receiver: attempt.receiver, since: now, reason: reason, probes: 0, nextProbeAt: now + probeDelay(0))
                began = true
            }
            try pause.save(db)
            var d = attempt
            d.status = .pending
            d.lastError = reason
            d.nextAttemptAt = pause.nextProbeAt
            try d.update(db)
            try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1, lastError = ? WHERE id = ?", arguments: [reason, d.outboxId])
            guard began else { return (pause, began) }
            let a = AuditEntry(
                at: now / 1000, actor: "obligd", action: "receiver.paused", subject: "receiver:\(attempt.receiver)",
                before: "active", after: "paused", note: reason)
            try AuditTrail.append(db, a)
            try Self.queueFailingNotice(db, about: attempt, reason: reason, notice: notice, now: now)
            return (pause, began)
        }
    }

    /// Queues a `delivery.failing` notice for the other receivers (the dispatcher never routes it to the
    /// failing one): a receiver that has failed transiently for long. One per call.
    package func noticeFailing(_ attempt: DeliveryRecord, reason: String, notice: String, now: Int64) async throws {
        try await write { db in try Self.queueFailingNotice(db, about: attempt, reason: reason, notice: notice, now: now) }
    }

    /// The notice is about the obligation whose message is stuck.
    static func queueFailingNotice(_ db: Database, about attempt: DeliveryRecord, reason: String, notice: String, now: Int64) throws {
        guard let outbox = try OutboxEntry.fetchOne(db, key: attempt.outboxId), let id = outbox.obligationId,
            let o = try Obligation.fetchOne(db, key: id)
        else { return }
        let payload = OutboxPayload(
            kind: .deliveryFailing, obligation: o, detail: .init(reason: notice, receiver: attempt.receiver, error: reason))
        try OutboxEntry(
            id: OutboxID.make(milliseconds: UInt64(max(now, 0))), createdAt: now / 1000, kind: payload.kind.rawValue, obligationId: id,
            payload: payload.json,
            status: "pending", attempts: 0, lastError: nil
        ).insert(db)
    }

    /// Paused receivers by name.
    package func receiverPauses() async throws -> [String: ReceiverPause] {
        try await read { db in
            Dictionary(uniqueKeysWithValues: try ReceiverPause.fetchAll(db).map { ($0.receiver, $0) })
        }
    }

    /// Probes paused receivers now (all, or the one named), after an operator fixed them or reloaded
    /// the configuration. Audited when an operator asked.
    /// - Returns: the receivers that were paused.
    @discardableResult
    package func probePausedReceivers(_ name: String? = nil, now: Int64, actor: String?) async throws -> [String] {
        try await write { db in
            let paused = try ReceiverPause.fetchAll(db).filter { name == nil || $0.receiver == name }
            for var p in paused {
                p.nextProbeAt = now
                try p.update(db)
                try db.execute(
                    sql: "UPDATE delivery SET nextAttemptAt = ? WHERE receiver = ? AND status = 'pending' AND nextAttemptAt > ?",
                    arguments: [now, p.receiver, now])
                if let actor {
                    let a = AuditEntry(
                        at: now / 1000, actor: actor, action: "receiver.resume", subject: "receiver:\(p.receiver)",
                        before: "paused", after: "probing", note: "paused since \(p.since / 1000) because: \(p.reason)")
                    try AuditTrail.append(db, a)
                }
            }
            return paused.map(\.receiver)
        }
    }

    /// Each receiver's queue: pending count and oldest, dead letters, the head's failure, the pause.
    /// Receivers with nothing queued and no pause are listed too when named in `receivers`.
    package func receiverQueues(_ receivers: [String]) async throws -> [ReceiverQueue] {
        try await read { db in
            var queues = Dictionary(uniqueKeysWithValues: receivers.map { ($0, ReceiverQueue(receiver: $0)) })
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT receiver, status, count(*) AS n, min(createdAt) AS oldest FROM delivery
                    WHERE status IN ('pending', 'dead') GROUP BY receiver, status
                    """)
            for row in rows {
                let name: String = row["receiver"]
                var q = queues[name] ?? ReceiverQueue(receiver: name, configured: false)
                if (row["status"] as String) == "pending" {
                    q.pending = row["n"]
                    q.oldestPendingAt = row["oldest"]
                } else {
                    q.dead = row["n"]
                }
                queues[name] = q
            }
            // A head that has failed and waits for its retry: the receiver is failing.
            let failing = try DeliveryRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM delivery WHERE status = 'pending' AND firstAttemptAt IS NOT NULL ORDER BY id
                    """)
            for d in failing where queues[d.receiver]?.failingSince == nil {
                queues[d.receiver]?.failingSince = d.firstAttemptAt
                queues[d.receiver]?.lastError = d.lastError
            }
            for p in try ReceiverPause.fetchAll(db) {
                var q = queues[p.receiver] ?? ReceiverQueue(receiver: p.receiver, configured: false)
                q.pause = p
                q.lastError = p.reason
                queues[p.receiver] = q
            }
            return queues.values.sorted { $0.receiver < $1.receiver }
        }
    }
}
