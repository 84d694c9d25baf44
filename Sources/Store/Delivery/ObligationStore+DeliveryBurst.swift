/// Bursts: a receiver's next messages taken together, so a backlog (a failover's catch-up, a thousand
/// stages falling due in one second) costs one read and one write for many messages, not a read and
/// a write each. Each message is still sent only after the previous one was accepted, and a burst is
/// the order `deliveryHead` would give one message at a time, were each accepted.
extension ObligationStore {
    /// The receiver's next messages to send now, in order, up to `limit`: its head (`deliveryHead`)
    /// and what would follow it. A burst ends before a message not ready at `now` (a retry waiting
    /// for its backoff).
    ///
    /// - Parameter withChanges: the receiver sends change notices one by one (no digests): a burst
    ///   of reminders takes along the change notices that go before them (about the same obligation,
    ///   queued earlier), and a burst of change notices follows the change lane. Without it, a burst
    ///   ends before such a notice (it goes alone, as the head of a digest) and change notices go alone.
    package func deliveryBurst(receiver: String, now: Int64, limit: Int, withChanges: Bool) async throws -> [DeliveryHead] {
        guard let head = try await deliveryHead(receiver: receiver) else { return [] }
        guard limit > 1, head.delivery.nextAttemptAt <= now, head.delivery.digest == nil else { return [head] }
        if head.delivery.lane == .change, !head.aheadOfReminder || !withChanges {
            guard withChanges else { return [head] }
            return try await readSQL { sql in
                var burst = BurstBuilder(sql: sql, now: now, limit: limit)
                try burst.changes(receiver: receiver)
                return burst.heads.isEmpty ? [head] : burst.heads
            }
        }
        return try await readSQL { sql in
            var burst = BurstBuilder(sql: sql, now: now, limit: limit)
            try burst.reminders(receiver: receiver, withChanges: withChanges)
            return burst.heads.first?.delivery.id == head.delivery.id ? burst.heads : [head]
        }
    }

    /// Records the outcomes of a burst's messages that were accepted, in one transaction
    /// (`recordDelivery` for each). A burst goes only to a receiver that is not paused, so no pause
    /// ends here.
    package func recordDeliveries(_ updated: [DeliveryRecord]) async throws {
        guard !updated.isEmpty else { return }
        // Accepted messages of a receiver that is not paused: no audit row, so no cluster-wide lock.
        try await writeSQL(serialized: false) { sql in
            for d in updated { _ = try Self.record(d, auditNote: nil, resume: false, sql) }
        }
    }
}

/// Collects a burst inside one read transaction.
struct BurstBuilder {
    let sql: any SQLSession
    let now: Int64
    let limit: Int
    private(set) var heads: [DeliveryHead] = []
    private var entities: [String: Entity?] = [:]

    init(sql: any SQLSession, now: Int64, limit: Int) {
        self.sql = sql
        self.now = now
        self.limit = limit
    }

    /// The change lane in order, from its oldest pending notice.
    mutating func changes(receiver: String) throws {
        let rows = try sql.all(
            DeliveryRecord.self,
            "SELECT * FROM delivery WHERE receiver = ? AND status = 'pending' AND lane = ? ORDER BY id LIMIT ?",
            [receiver, DeliveryLane.change.rawValue, limit])
        let outbox = try outboxRows(rows.map(\.outboxId))
        for d in rows {
            guard ready(d), let o = outbox[d.outboxId] else { return }
            try append(d, o, ahead: false)
        }
    }

    /// The reminder lane in order, each reminder after the change notices about its obligation queued
    /// before it (`withChanges`; without, the burst ends at the first reminder that has one).
    mutating func reminders(receiver: String, withChanges: Bool) throws {
        let rows = try sql.all(
            DeliveryRecord.self,
            "SELECT * FROM delivery WHERE receiver = ? AND status = 'pending' AND lane = ? ORDER BY id LIMIT ?",
            [receiver, DeliveryLane.reminder.rawValue, limit])
        let outbox = try outboxRows(rows.map(\.outboxId))
        let obligations = Set(outbox.values.compactMap(\.obligationId))
        // The pending change notices about those obligations, oldest first, with their outbox rows.
        var earlier: [DeliveryRecord] = []
        if !obligations.isEmpty {
            earlier = try sql.all(
                DeliveryRecord.self,
                """
                SELECT d.* FROM delivery d JOIN outbox o ON o.id = d.outboxId
                WHERE d.receiver = ? AND d.status = 'pending' AND d.lane = ? AND o.obligationId IN (\(Self.marks(obligations.count)))
                ORDER BY d.id
                """, [receiver, DeliveryLane.change.rawValue] + obligations.sorted().map { $0 as (any SQLColumn)? })
        }
        let changeOutbox = try outboxRows(earlier.map(\.outboxId))
        var sent = Set<Int64>()
        for d in rows {
            guard ready(d), let o = outbox[d.outboxId] else { return }
            let before = earlier.filter {
                $0.id! < d.id! && !sent.contains($0.id!) && changeOutbox[$0.outboxId]?.obligationId == o.obligationId
            }
            if !before.isEmpty {
                // Without changes in the burst, one that must go first ends it (it goes as a digest's head).
                guard withChanges else {
                    if heads.isEmpty, let c = changeOutbox[before[0].outboxId] { try append(before[0], c, ahead: true) }
                    return
                }
                for c in before {
                    guard ready(c), let co = changeOutbox[c.outboxId], heads.count < limit else { return }
                    try append(c, co, ahead: true)
                    sent.insert(c.id!)
                }
            }
            guard heads.count < limit else { return }
            try append(d, o, ahead: false)
        }
    }

    private func ready(_ d: DeliveryRecord) -> Bool { d.nextAttemptAt <= now && d.digest == nil }

    private mutating func append(_ d: DeliveryRecord, _ o: OutboxEntry, ahead: Bool) throws {
        let entity = try ObligationStore.entityName(of: o).map { id in
            if let known = entities[id] { return known }
            let e = try sql.one(Entity.self, "SELECT * FROM entity WHERE id = ?", [id])
            entities[id] = e
            return e
        }
        heads.append(DeliveryHead(delivery: d, outbox: o, entity: entity ?? nil, aheadOfReminder: ahead))
    }

    private func outboxRows(_ ids: [String]) throws -> [String: OutboxEntry] {
        var found: [String: OutboxEntry] = [:]
        guard !ids.isEmpty else { return found }
        try sql.forEach("SELECT * FROM outbox WHERE id IN (\(Self.marks(ids.count)))", ids.map { SQLValue.text($0) }) {
            let o = try OutboxEntry(row: $0)
            found[o.id] = o
        }
        return found
    }

    private static func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
}
