import DeadlineKit
import Foundation
import Rules

/// Re-applying new or changed rules to the facts already recorded (a reload).
extension Recorder {
    /// The (entity, metric) pairs with reports that `rules` could turn into obligations.
    package func metricSubjects(of rules: [Rule]) throws -> [(entity: String, metric: String)] {
        var result: [(String, String)] = []
        for rule in rules {
            guard rule.kind != .retention, case let .metric(name, _, _) = rule.trigger else { continue }
            let rows = try sql.rows(
                """
                SELECT DISTINCT o.entityId FROM metricObservation o JOIN entity e ON e.id = o.entityId
                WHERE o.metric = ? AND e.region = ? ORDER BY o.entityId
                """, [name, rule.region])
            for row in rows { result.append((try row.decode(0, "metricObservation.entityId"), name)) }
        }
        var seen = Set<String>()
        return result.filter { seen.insert("\($0.0)\u{0}\($0.1)").inserted }
    }

    /// Re-evaluates the thresholds of `rule` for each (entity, metric) subject, each in a savepoint:
    /// a subject whose history cannot be derived under the rule (a due day outside the calendars) is
    /// rolled back and reported in `failed`, and the others still are.
    package func rederiveMetrics(
        _ subjects: [(entity: String, metric: String)], rule: Rule, because: String
    ) throws
        -> (outcome: Outcome, failed: [(entity: String, why: String)])
    {
        var outcome = Outcome(factId: 0)
        var failed: [(entity: String, why: String)] = []
        for subject in subjects {
            do {
                let o = try sql.savepoint {
                    try evaluateMetric(entityId: subject.entity, metric: subject.metric, only: [rule.id], because: because)
                }
                outcome.opened += o.opened
                outcome.moved += o.moved
                outcome.derived.formUnion(o.derived)
            } catch let error as StoreError {
                // The savepoint took back the audit rows it appended: chain on from what is stored.
                lookups.auditTip = nil
                failed.append((subject.entity, "\(subject.entity)/\(subject.metric): \(error)"))
            }
        }
        return (outcome, failed)
    }

    /// The (entity, metric) subjects whose classification by a yearly-reset rule still holds from a
    /// year that has ended in the entity's zone (no report since 1 January): `reclassify` ends such a
    /// span at the year's end, as a count since 1 January starts from zero.
    package func yearlySpansPastTheirYear() throws -> [(entity: String, metric: String)] {
        var subjects: Set<String> = []
        var result: [(entity: String, metric: String)] = []
        for span in try openYearlySpans() where span.yearEnds <= now {
            guard subjects.insert(span.entity + "\u{0}" + span.metric).inserted else { continue }
            result.append((span.entity, span.metric))
        }
        return result
    }

    /// When the next open year-to-date classification reaches the end of its year (00:00 on 1 January
    /// in its entity's zone), so the scheduler wakes then and ends it without waiting for a report or
    /// a restart; a past instant when one is already due; nil when none is open.
    package func nextYearlySpanEnd() throws -> Instant? {
        try openYearlySpans().map(\.yearEnds).min()
    }

    /// The open classifications of yearly-reset rules, each with the instant its year ends.
    private func openYearlySpans() throws -> [(entity: String, metric: String, yearEnds: Instant)] {
        let metrics = config.rules.reduce(into: [String: String]()) { all, r in
            if r.kind == .classification, r.resets == .yearly, case let .metric(name, _, _) = r.trigger { all[r.id] = name }
        }
        guard !metrics.isEmpty else { return [] }
        let rules = Array(metrics.keys).sorted()
        let marks = rules.map { _ in "?" }.joined(separator: ", ")
        var zones: [String: Zone] = [:]
        var result: [(entity: String, metric: String, yearEnds: Instant)] = []
        let rows = try sql.rows(
            "SELECT entityId, ruleId, sinceInstant FROM classification WHERE until IS NULL AND ruleId IN (\(marks)) ORDER BY entityId, ruleId",
            rules)
        for row in rows {
            let entityId: String = try row.decode(0, "classification.entityId")
            let ruleId: String = try row.decode(1, "classification.ruleId")
            let since: Int64 = try row.decode(2, "classification.sinceInstant")
            guard let metric = metrics[ruleId] else { continue }
            let zone = try zones[entityId] ?? zone(try entity(entityId))
            zones[entityId] = zone
            let year = zone.day(of: Instant(secondsSinceEpoch: since)).year
            guard let newYear = CivilDate(year: year + 1, month: 1, day: 1) else { continue }
            result.append((entityId, metric, zone.instant(newYear)))
        }
        return result
    }

    /// Re-derives the classifications of each (entity, metric) subject from its whole history under
    /// the rules in force (a classification rule that changed on reload: a threshold now read as the
    /// instrument says, an effective date). A span that begins, ends or moves is audited
    /// (`classification.changed`) and announced as when a report changes it.
    package func reclassify(_ subjects: [(entity: String, metric: String)]) throws -> Outcome {
        var outcome = Outcome(factId: 0)
        for subject in subjects {
            let e = try entity(subject.entity)
            try classify(
                e, metric: subject.metric, history: try history(entity: e.id, metric: subject.metric), zone: try zone(e),
                outcome: &outcome)
        }
        return outcome
    }

    /// Re-derives, from events with id > `afterId` (up to `limit`), the obligations of `rules` (new or
    /// changed on reload): a due date that moves is audited and notified with `because`; an
    /// obligation a new rule derives from an older event is opened.
    package func rederiveEvents(
        afterId: Int64, limit: Int = 5000, rules: [Rule], because: String
    ) throws
        -> (lastId: Int64, examined: Int, skipped: Int, outcome: Outcome)
    {
        let kinds = rules.compactMap { r -> String? in
            if r.kind == .deadline, case let .event(k, _) = r.trigger { return k }
            return nil
        }
        var outcome = Outcome(factId: 0)
        guard !kinds.isEmpty else { return (afterId, 0, 0, outcome) }
        let marks = kinds.map { _ in "?" }.joined(separator: ", ")
        let events = try sql.all(
            EventRecord.self, "SELECT * FROM event WHERE id > ? AND kind IN (\(marks)) AND retractedAt IS NULL ORDER BY id LIMIT ?",
            [afterId] + kinds + [limit])
        var skipped = 0
        for ev in events {
            let e = try entity(ev.entityId)
            let attributes = ev.attributes.values
            for rule in rules where rule.region == e.region {
                guard case let .event(k, _) = rule.trigger, k == ev.kind else { continue }
                // An event the changed rule cannot derive from (no date attribute, a due day outside the
                // calendars) is counted and left; the others are still re-derived.
                do {
                    if try !derive(
                        from: ev, attributes: attributes, rule: rule, entity: e, zone: try zone(e), reason: because, outcome: &outcome)
                    {
                        skipped += 1
                    }
                } catch let error where error is StoreError || error is InputError {
                    // Undecidable is not "no longer given": its obligation is kept as it is.
                    outcome.derived.insert(DerivedKey(entity: e.id, trigger: .event(ev.id!)))
                    skipped += 1
                }
            }
        }
        return (events.last?.id ?? afterId, events.count, skipped, outcome)
    }

    /// Re-derives, for obligations with id > `afterId` (up to `limit`), the follow-ups a recurring
    /// `rule` opened when an obligation was marked done: each starts at its predecessor's due day and
    /// runs the rule's `recurrence`. A rule that no longer recurs derives none (they are then flagged).
    package func rederiveRecurrences(
        afterId: Int64, limit: Int = 1000, rule: Rule, because: String
    ) throws
        -> (lastId: Int64, examined: Int, outcome: Outcome)
    {
        var outcome = Outcome(factId: 0)
        let followUps = try sql.all(
            Obligation.self, "SELECT * FROM obligation WHERE ruleId = ? AND triggerKey LIKE 'recurrence:%' AND id > ? ORDER BY id LIMIT ?",
            [rule.id, afterId, limit])
        for o in followUps {
            guard let recurrence = rule.recurrence, case let .recurrence(previousId) = o.triggerKey,
                let previous = try sql.one(Obligation.self, "SELECT * FROM obligation WHERE id = ?", [previousId])
            else { continue }
            let due = previous.due
            let e = try entity(o.entityId)
            do {
                try upsert(
                    entity: e, rule: rule, title: rule.title, triggerKey: o.triggerKey, start: .day(due), period: recurrence,
                    roll: rule.roll, reason: because, outcome: &outcome)
            } catch is StoreError {
                // A due day outside the calendars: undecidable, so kept as it is.
                outcome.derived.insert(DerivedKey(entity: e.id, trigger: o.triggerKey))
            }
        }
        return (followUps.last?.id ?? afterId, followUps.count, outcome)
    }

    /// Flags the open obligations of rule `ruleId` (id > `afterId`, up to `limit`) that the facts no
    /// longer give under the configuration in force: the rule was removed, or changed so that these
    /// entities or events no longer trigger it. They stay open, since only a person can decide that a
    /// duty has lapsed; each is audited and notified once, with what to do.
    package func flagUnderived(
        ruleId: String, keep: (DerivedKey) -> Bool, because: String, afterId: Int64, limit: Int = 1000
    ) throws
        -> (lastId: Int64, examined: Int, flagged: [Obligation])
    {
        // `+status`: walk the primary key from the cursor; the status index would rescan every open row per batch.
        // Only the key columns: after a rule change nearly every row is kept, and a full record costs a
        // parse of each typed column; the few flagged are read whole.
        let rows = try sql.rows(
            "SELECT id, entityId, triggerKey FROM obligation WHERE id > ? AND ruleId = ? AND \(sql.noIndex("status")) = 'open' ORDER BY id LIMIT ?",
            [afterId, ruleId, limit])
        var flagged: [Obligation] = []
        for row in rows {
            let key = DerivedKey(entity: try row.decode(1, "obligation.entityId"), trigger: try row.decode(2, "obligation.triggerKey"))
            guard !keep(key) else { continue }
            let o = try obligation(try row.decode(0, "obligation.id"))
            try flag(o, because: "\(because); the recorded facts no longer give this obligation")
            flagged.append(o)
        }
        return (try rows.last?.decode(0, "obligation.id") ?? afterId, rows.count, flagged)
    }
}
