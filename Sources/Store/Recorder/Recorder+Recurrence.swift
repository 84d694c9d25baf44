import DeadlineKit
import Rules

/// Recurring obligations (the annual MLPS assessment): the next one opens when the current one is done
/// or falls due, whichever comes first, exactly once. The successor's trigger key names its
/// predecessor, and (entity, rule, trigger key) is unique, so done and due cannot both open one.
extension Recorder {
    /// Opens the successor of `o` from its due day, when its rule recurs and none exists yet; returns it.
    @discardableResult
    func openSuccessor(of o: Obligation, because reason: String) throws -> Obligation? {
        guard let id = o.id, let ruleId = o.ruleId, let rule = config.rule(ruleId), let period = rule.recurrence else { return nil }
        var outcome = Outcome(factId: 0)
        try upsert(
            entity: try entity(o.entityId), rule: rule, title: rule.title, triggerKey: .recurrence(of: id),
            start: .day(o.due), period: period, roll: rule.roll, reason: reason, outcome: &outcome)
        return outcome.opened.first
    }

    /// Opens the successors of up to `limit` open recurring obligations that fell due by `now` and
    /// have none yet. Returns how many opened and whether more may be waiting: after downtime a
    /// successor may itself have fallen due already, so any opening asks for another pass.
    package func openDueSuccessors(limit: Int = 1000) throws -> (opened: Int, more: Bool) {
        var opened = 0
        var seen = 0
        for rule in config.rules where rule.recurrence != nil {
            let due = try sql.all(
                Obligation.self,
                """
                SELECT * FROM obligation o WHERE ruleId = ? AND status = 'open' AND dueInstant <= ?
                  AND NOT EXISTS (SELECT 1 FROM obligation s
                    WHERE s.entityId = o.entityId AND s.ruleId = o.ruleId AND s.triggerKey = 'recurrence:' || o.id)
                ORDER BY dueInstant, id LIMIT ?
                """, [rule.id, now.secondsSinceEpoch, limit - seen])
            for o in due where try openSuccessor(of: o, because: "recurs: obligation \(o.id!) fell due on \(o.due)") != nil {
                opened += 1
            }
            seen += due.count
            if seen >= limit { return (opened, true) }
        }
        return (opened, opened > 0)
    }

    /// The earliest instant an open recurring obligation falls due, for the scheduler to wake at.
    package func nextRecurrence() throws -> Instant? {
        var next: Int64?
        for rule in config.rules where rule.recurrence != nil {
            // One that fell due and has no successor yet (down meanwhile, or a fact dated in the past):
            // its successor is due now.
            let waiting = try sql.value(
                Int64.self,
                """
                SELECT o.id FROM obligation o WHERE ruleId = ? AND status = 'open' AND dueInstant <= ?
                  AND NOT EXISTS (SELECT 1 FROM obligation s
                    WHERE s.entityId = o.entityId AND s.ruleId = o.ruleId AND s.triggerKey = 'recurrence:' || o.id)
                LIMIT 1
                """, [rule.id, now.secondsSinceEpoch])
            if waiting != nil { return now }
            let due = try sql.value(
                Int64.self, "SELECT min(dueInstant) AS due FROM obligation WHERE ruleId = ? AND status = 'open' AND dueInstant > ?",
                [rule.id, now.secondsSinceEpoch])
            if let due { next = min(next ?? due, due) }
        }
        return next.map { Instant(secondsSinceEpoch: $0) }
    }
}
