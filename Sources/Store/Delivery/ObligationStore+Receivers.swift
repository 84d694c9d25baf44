import Foundation

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
        try await writeSQL { sql in
            var pause: ReceiverPause
            let began: Bool
            if var p = try sql.one(ReceiverPause.self, "SELECT * FROM receiverPause WHERE receiver = ?", [attempt.receiver]) {
                p.probes += 1
                p.reason = reason
                p.nextProbeAt = now + probeDelay(p.probes)
                pause = p
                began = false
            } else {
                pause = ReceiverPause(receiver: attempt.receiver, since: now, reason: reason, probes: 0, nextProbeAt: now + probeDelay(0))
                began = true
            }
            if began {
                try sql.insert(pause, returningID: false)
            } else {
                try sql.execute(
                    "UPDATE receiverPause SET since = ?, reason = ?, probes = ?, nextProbeAt = ? WHERE receiver = ?",
                    pause.since, pause.reason, pause.probes, pause.nextProbeAt, pause.receiver)
            }
            var d = attempt
            d.status = .pending
            d.lastError = reason
            d.nextAttemptAt = pause.nextProbeAt
            try d.update(sql)
            try sql.execute("UPDATE outbox SET attempts = attempts + 1, lastError = ? WHERE id = ?", reason, d.outboxId)
            guard began else { return (pause, began) }
            try AuditTrail.append(
                sql, at: now / 1000, actor: "obligd", action: .receiverPaused, subject: "receiver:\(attempt.receiver)",
                before: "active", after: "paused", note: reason)
            try Self.queueFailingNotice(sql, about: attempt, reason: reason, notice: notice, now: now)
            return (pause, began)
        }
    }

    /// Queues a `delivery.failing` notice for the other receivers (the dispatcher never routes it to the
    /// failing one): a receiver that has failed transiently for long. One per call.
    package func noticeFailing(_ attempt: DeliveryRecord, reason: String, notice: String, now: Int64) async throws {
        try await writeSQL { sql in try Self.queueFailingNotice(sql, about: attempt, reason: reason, notice: notice, now: now) }
    }

    /// The notice is about the obligation whose message is stuck.
    static func queueFailingNotice(_ sql: any SQLSession, about attempt: DeliveryRecord, reason: String, notice: String, now: Int64) throws
    {
        guard let outbox = try outboxEntry(attempt.outboxId, sql), let id = outbox.obligationId,
            let o = try sql.one(Obligation.self, "SELECT * FROM obligation WHERE id = ?", [id])
        else { return }
        let payload = OutboxPayload(
            kind: .deliveryFailing, obligation: o, detail: .init(reason: notice, receiver: attempt.receiver, error: reason))
        try sql.insert(
            OutboxEntry(
                id: OutboxID.make(milliseconds: UInt64(max(now, 0))), createdAt: now / 1000, kind: payload.kind.rawValue, obligationId: id,
                payload: payload.json,
                status: .pending, attempts: 0, lastError: nil),
            returningID: false)
    }

    /// Paused receivers by name.
    package func receiverPauses() async throws -> [String: ReceiverPause] {
        try await readSQL { sql in
            Dictionary(uniqueKeysWithValues: try sql.all(ReceiverPause.self, "SELECT * FROM receiverPause").map { ($0.receiver, $0) })
        }
    }

    /// Probes paused receivers now (all, or the one named), after an operator fixed them or reloaded
    /// the configuration. Audited when an operator asked.
    /// - Returns: the receivers that were paused, by name.
    @discardableResult
    package func probePausedReceivers(_ name: String? = nil, now: Int64, actor: String?) async throws -> [String] {
        try await writeSQL { sql in
            let paused =
                try name.map { try sql.all(ReceiverPause.self, "SELECT * FROM receiverPause WHERE receiver = ?", [$0]) }
                ?? sql.all(ReceiverPause.self, "SELECT * FROM receiverPause ORDER BY receiver")
            var tip: AuditTrail.Tip?
            for p in paused {
                try sql.execute("UPDATE receiverPause SET nextProbeAt = ? WHERE receiver = ?", now, p.receiver)
                try sql.execute(
                    "UPDATE delivery SET nextAttemptAt = ? WHERE receiver = ? AND status = 'pending' AND nextAttemptAt > ?",
                    now, p.receiver, now)
                if let actor {
                    tip = try AuditTrail.append(
                        sql, after: tip ?? AuditTrail.tip(sql), at: now / 1000, actor: actor, action: .receiverResumeRequested,
                        subject: "receiver:\(p.receiver)", before: "paused", after: "probing",
                        note: "paused since \(p.since / 1000) because: \(p.reason)")
                }
            }
            return paused.map(\.receiver)
        }
    }

    /// Each receiver's queue: pending count and oldest, dead letters, the head's failure, the pause.
    /// Receivers with nothing queued and no pause are listed too when named in `receivers`.
    package func receiverQueues(_ receivers: [String]) async throws -> [ReceiverQueue] {
        try await readSQL { sql in
            var queues = Dictionary(uniqueKeysWithValues: receivers.map { ($0, ReceiverQueue(receiver: $0)) })
            let rows = try sql.rows(
                """
                SELECT receiver, status, count(*) AS n, min(createdAt) AS oldest FROM delivery
                WHERE status IN ('pending', 'dead') GROUP BY receiver, status
                """)
            for row in rows {
                let name: String = try row.decode(0, "delivery.receiver")
                var q = queues[name] ?? ReceiverQueue(receiver: name, configured: false)
                if DeliveryStatus(rawValue: try row.decode(1, "delivery.status")) == .pending {
                    q.pending = try row.decode(2, "n")
                    q.oldestPendingAt = try row.decode(3, "oldest")
                } else {
                    q.dead = try row.decode(2, "n")
                }
                queues[name] = q
            }
            // A head that has failed and waits for its retry: the receiver is failing.
            try sql.forEach(
                "SELECT receiver, firstAttemptAt, lastError FROM delivery WHERE status = 'pending' AND firstAttemptAt IS NOT NULL ORDER BY id",
                []
            ) { row in
                let receiver: String = try row.decode(0, "delivery.receiver")
                guard queues[receiver]?.failingSince == nil else { return }
                queues[receiver]?.failingSince = try row.decode(1, "delivery.firstAttemptAt")
                queues[receiver]?.lastError = try row.decode(2, "delivery.lastError")
            }
            for p in try sql.all(ReceiverPause.self, "SELECT * FROM receiverPause") {
                var q = queues[p.receiver] ?? ReceiverQueue(receiver: p.receiver, configured: false)
                q.pause = p
                q.lastError = p.reason
                queues[p.receiver] = q
            }
            return queues.values.sorted { $0.receiver < $1.receiver }
        }
    }
}
