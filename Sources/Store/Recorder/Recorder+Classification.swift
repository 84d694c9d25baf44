import DeadlineKit
import Rules

/// Classifications and retention: rules with no deadline whose results are a status (an entity is a
/// large platform since a day) or a date (network logs kept until a day).
extension Recorder {
    /// Derives the spans of every classification rule on `metric` from its history and stores them;
    /// when the entity's current standing changes (it enters or leaves a classification, or the day
    /// it began moves) that is audited and notified.
    func classify(_ e: Entity, metric: String, history: [Observation], zone: Zone, outcome: inout Outcome) throws {
        let rules = classificationRules(of: e, metric: metric)
        for rule in rules {
            guard case let .metric(_, conditions, _) = rule.trigger else { continue }
            let effective = rule.effective.map { zone.instant($0) }
            // A year-to-date metric starts from zero each year: a span ends with its year.
            let derived =
                rule.resets == .yearly
                ? Evaluation.yearlySpans(of: history, conditions: conditions, zone: zone, now: now)
                : Evaluation.spans(of: history, conditions: conditions)
            // An entity that says it is outside the rule (a CIIO for the certification route) is not classified.
            var applies = true
            if case .notMet = Evaluation.check(rule.entityConditions, entity: e.attributes.values) { applies = false }
            let spans = (applies ? Evaluation.spans(derived, effectiveFrom: effective) : []).map { span in
                ClassificationRecord(
                    entityId: e.id, ruleId: rule.id, since: zone.day(of: span.from), sinceInstant: span.from.secondsSinceEpoch,
                    until: span.until.map { zone.day(of: $0) }, untilInstant: span.until?.secondsSinceEpoch)
            }
            let stored = try sql.rows(
                "SELECT entityId, ruleId, since, sinceInstant, until, untilInstant FROM classification WHERE entityId = ? AND ruleId = ? ORDER BY sinceInstant",
                [e.id, rule.id]
            ).map(ClassificationRecord.init(row:))
            guard stored != spans else { continue }
            try sql.execute("DELETE FROM classification WHERE entityId = ? AND ruleId = ?", e.id, rule.id)
            for span in spans { try sql.insert(span, returningID: false) }
            let was = stored.last.flatMap { $0.until == nil ? $0 : nil }, now = spans.last.flatMap { $0.until == nil ? $0 : nil }
            try audit(
                .classificationChanged, subject: "classification:\(e.id):\(rule.id)", before: try json(stored), after: try json(spans),
                note: now.map { "\(rule.title) since \($0.since)" } ?? "not \(rule.title)")
            if let now, was?.since != now.since {
                try announce(.classificationBegan, rule: rule, entity: e, day: now.since, at: now.sinceInstant)
                outcome.classifications.append(now)
                let unstated = unstatedEntityConditions(rule, entity: e)
                if !unstated.isEmpty {
                    try audit(
                        .classificationConditionUnstated, subject: "classification:\(e.id):\(rule.id)", before: nil, after: nil,
                        note: "condition not stated: entity \(e.id) has not stated "
                            + unstated.map { "\($0.attribute) (the rule applies when it is \($0.value): \($0.basis))" }
                            .joined(separator: ", nor ")
                            + "; classified in case it applies: obligctl entity set \(e.id) ATTRIBUTE true|false")
                }
            } else if now == nil, was != nil, let ended = spans.last(where: { $0.since == was?.since }) ?? spans.last,
                let until = ended.until, let untilInstant = ended.untilInstant
            {
                try announce(.classificationEnded, rule: rule, entity: e, day: until, at: untilInstant)
                outcome.classifications.append(ended)
            }
        }
    }

    /// The classification rules of `e`'s region that read `metric`.
    func classificationRules(of e: Entity, metric: String) -> [Rule] {
        config.rules.filter { r in
            guard r.kind == .classification, r.region == e.region, case let .metric(name, _, _) = r.trigger else { return false }
            return name == metric
        }
    }

    /// Whether report `id` is the latest of its metric's history (by instant, then report order).
    ///
    /// Two range scans of `metricObservation_history` (whose entries end with the row id) that start
    /// just after the report: a busy gauge reported "now" puts thousands of reports in one second, and
    /// a single scan from `observedAt >= at` read all of them on every report (quadratic per second).
    func isLatest(_ id: Int64, at: Int64, entity: String, metric: String) throws -> Bool {
        // 0 or 1 rather than the EXISTS itself: PostgreSQL's EXISTS is a boolean, not an integer.
        try sql.value(
            Bool.self,
            """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM metricObservation WHERE entityId = ? AND metric = ? AND observedAt > ?
                                       AND retractedAt IS NULL)
                          OR EXISTS (SELECT 1 FROM metricObservation WHERE entityId = ? AND metric = ? AND observedAt = ? AND id > ?
                                       AND retractedAt IS NULL)
                        THEN 1 ELSE 0 END AS later
            """, [entity, metric, at, entity, metric, at, id]) == false
    }

    /// Whether `classify(_:metric:newest:zone:outcome:)` may follow `metric` report by report: not when
    /// a classification rule on it has an effective date (a span is then clipped to it, which needs the
    /// whole history), nor when its metric starts from zero each year (a span ends with its year).
    func classifiesIncrementally(_ e: Entity, metric: String) -> Bool {
        classificationRules(of: e, metric: metric).allSatisfy { $0.effective == nil && $0.resets == nil && $0.entityConditions.isEmpty }
    }

    /// The classification spans after report `newest`, the latest of its history: a span opens when it
    /// meets conditions the previous latest did not, and closes when it stops meeting them. The same
    /// result as `classify(_:metric:history:zone:outcome:)` over the whole history, without reading it.
    func classify(_ e: Entity, metric: String, newest: (id: Int64, value: Int64, at: Int64), zone: Zone, outcome: inout Outcome) throws {
        let at = newest.at
        let rules = classificationRules(of: e, metric: metric)
        for rule in rules {
            guard case let .metric(_, conditions, _) = rule.trigger else { continue }
            let holds = conditions.allSatisfy { $0.holds(newest.value) }
            // Cached statements (the session prepares each once): a busy gauge runs these on every report.
            let open = try sql.row(
                "SELECT entityId, ruleId, since, sinceInstant, until, untilInstant FROM classification WHERE entityId = ? AND ruleId = ? AND until IS NULL",
                [e.id, rule.id]
            ).map(ClassificationRecord.init(row:))
            let instant = Instant(secondsSinceEpoch: at)
            if holds, open == nil {
                // An earlier report of this same instant closed the span: the last value of the instant
                // counts, so it goes on (the close is undone), as the whole-history derivation gives.
                if var closed = try sql.row(
                    "SELECT entityId, ruleId, since, sinceInstant, until, untilInstant FROM classification WHERE entityId = ? AND ruleId = ? AND untilInstant = ?",
                    [e.id, rule.id, at]
                ).map(ClassificationRecord.init(row:)) {
                    closed.until = nil
                    closed.untilInstant = nil
                    try storeUntil(of: closed)
                    continue
                }
                let span = ClassificationRecord(
                    entityId: e.id, ruleId: rule.id, since: zone.day(of: instant), sinceInstant: at, until: nil, untilInstant: nil)
                try sql.insert(span, returningID: false)
                try audit(
                    .classificationChanged, subject: "classification:\(e.id):\(rule.id)", before: nil, after: try json([span]),
                    note: "\(rule.title) since \(span.since)")
                try announce(.classificationBegan, rule: rule, entity: e, day: span.since, at: at)
                outcome.classifications.append(span)
            } else if !holds, var span = open {
                // Opened by an earlier report of this same instant: it never held at any instant.
                if span.sinceInstant == at {
                    try sql.execute(
                        "DELETE FROM classification WHERE entityId = ? AND ruleId = ? AND sinceInstant = ?", span.entityId, span.ruleId,
                        span.sinceInstant)
                    continue
                }
                let before = try json([span])
                span.until = zone.day(of: instant)
                span.untilInstant = at
                try storeUntil(of: span)
                try audit(
                    .classificationChanged, subject: "classification:\(e.id):\(rule.id)", before: before, after: try json([span]),
                    note: "not \(rule.title)")
                try announce(.classificationEnded, rule: rule, entity: e, day: span.until!, at: at)
                outcome.classifications.append(span)
            }
        }
    }

    /// Stores the end of stored span `span` (nil: it holds), found by its key (entity, rule, start).
    private func storeUntil(of span: ClassificationRecord) throws {
        try sql.execute(
            "UPDATE classification SET until = ?, untilInstant = ? WHERE entityId = ? AND ruleId = ? AND sinceInstant = ?",
            span.until, span.untilInstant, span.entityId, span.ruleId, span.sinceInstant)
    }

    private func announce(_ kind: NotificationKind, rule: Rule, entity e: Entity, day: CivilDate, at: Int64) throws {
        let payload = OutboxPayload(
            kind: kind, obligation: 0, entity: e.id, rule: rule.id, title: rule.title, due: day.description, dueInstant: at,
            provisional: false, status: kind == .classificationBegan ? "active" : "ended")
        try enqueue(payload, obligation: nil)
    }

    /// The classification spans of `entity` (every entity when nil); only those holding now unless `all`.
    package func classifications(entity: String?, all: Bool) throws -> [ClassificationRecord] {
        if let entity, try findEntity(entity) == nil { throw StoreError.notFound("entity '\(entity)'") }
        var filters: [String] = [], arguments: [(any SQLColumn)?] = []
        if let entity { (filters, arguments) = (filters + ["entityId = ?"], arguments + [entity]) }
        if !all { filters.append("until IS NULL") }
        let condition = filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND ")
        return try sql.rows(
            "SELECT entityId, ruleId, since, sinceInstant, until, untilInstant FROM classification\(condition) ORDER BY entityId, ruleId, sinceInstant",
            arguments
        ).map(ClassificationRecord.init(row:))
    }

    /// What a retention rule keeps: from an event, until a day.
    package struct Retention: Sendable, Equatable {
        /// The entity that must keep the records.
        package var entity: String
        /// The retention rule.
        package var rule: String
        /// The event the keeping period runs from.
        package var event: Int64
        /// The event's day in the entity's zone.
        package var from: CivilDate
        /// The last day the records must be kept, computed as a deadline is.
        package var keepUntil: CivilDate
    }

    /// The "keep until" days of the retention rules for the recorded (not retracted) events of
    /// `entity` (every entity when nil), soonest first: computed as a deadline is, from the event's day.
    package func retention(entity: String?) throws -> [Retention] {
        if let entity, try findEntity(entity) == nil { throw StoreError.notFound("entity '\(entity)'") }
        var out: [Retention] = []
        for rule in config.rules where rule.kind == .retention {
            guard case let .event(kind, _) = rule.trigger, let period = rule.period else { continue }
            let events = try sql.all(
                EventRecord.self,
                "SELECT * FROM event WHERE kind = ? AND retractedAt IS NULL\(entity == nil ? "" : " AND entityId = ?") ORDER BY at, id",
                entity.map { [kind, $0] } ?? [kind])
            for ev in events {
                let e = try self.entity(ev.entityId)
                guard e.region == rule.region else { continue }
                let day = try zone(e).day(of: Instant(secondsSinceEpoch: ev.at))
                let due = try compute(entity: e, start: .day(day), period: period, roll: rule.roll).due
                out.append(Retention(entity: e.id, rule: rule.id, event: ev.id!, from: day, keepUntil: due))
            }
        }
        return out.sorted { ($0.keepUntil, $0.entity, $0.event) < ($1.keepUntil, $1.entity, $1.event) }
    }
}
