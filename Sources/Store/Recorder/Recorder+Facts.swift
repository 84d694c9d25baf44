import DeadlineKit
import Foundation
import Rules

/// Facts: metric observations, events and custom obligations, and what each derives.
extension Recorder {
    /// Records a report and derives its thresholds. The same value for the same instant again is
    /// recognised and records nothing; another value for it supersedes the earlier report (audited)
    /// and the obligations it gave are moved or flagged.
    package func reportMetric(entityId: String, metric: String, value: Int64, at: Start?) throws -> Outcome {
        let recorded = try recordObservation(entityId: entityId, metric: metric, value: value, at: at)
        var outcome =
            recorded.duplicate
            ? Outcome(factId: 0)
            : try evaluateMetric(
                entityId: entityId, metric: metric, flagVanished: recorded.superseded != nil,
                newest: recorded.superseded == nil ? (recorded.id, value, recorded.observedAt) : nil)
        outcome.factId = recorded.id
        outcome.duplicate = recorded.duplicate
        outcome.superseded = recorded.superseded
        return outcome
    }

    /// Stores one observation without evaluating rules (an import evaluates each metric once at the end).
    /// A report for an instant already reported is recognised: the same value records nothing; another
    /// value supersedes the earlier report, or is refused with `refuseChanges` (an import replays a
    /// file, and a changed line there is more likely a mistake than a correction).
    package func recordObservation(
        entityId: String, metric: String, value: Int64, at: Start?, refuseChanges: Bool = false
    ) throws -> RecordedFact {
        try Limits.check(at, field: "at")
        let e = try entity(entityId)
        guard config.knownMetrics.contains(metric) else {
            throw StoreError.invalid(
                field: "metric", problem: "unknown metric '\(metric)'",
                fix: "use one of: \(config.knownMetrics.sorted().joined(separator: ", "))")
        }
        guard value >= 0 else {
            throw StoreError.invalid(field: "value", problem: "\(value) is negative", fix: "report a count of 0 or more")
        }
        let zone = try zone(e)
        let observedAt = instant(of: at, zone: zone)
        guard observedAt <= now.adding(seconds: 86_400) else {
            // Named as the caller gave it (a day in the entity's zone), not as the UTC instant it becomes.
            let given =
                switch at {
                case let .day(d)?: d.description
                case let .instant(i)?: zone.local(i)
                case nil: "now"
                }
            throw StoreError.invalid(
                field: "at", problem: "\(given) is in the future (today is \(zone.day(of: now)) in \(zone.identifier))",
                fix: "report what was observed, at or before now")
        }
        // Only a report that names its instant can repeat or correct another: reports of "now" (no
        // `at`) from a busy reporter often share a second and are each a new observation.
        var earlier: (id: Int64, value: Int64)?
        if at != nil, try observedAt.secondsSinceEpoch <= latestObserved(entity: e.id, metric: metric) {
            earlier = try activeObservation(entity: e.id, metric: metric, at: observedAt)
        }
        if let earlier, earlier.value == value {
            return RecordedFact(id: earlier.id, duplicate: true, observedAt: observedAt.secondsSinceEpoch)
        }
        if let earlier, refuseChanges {
            throw StoreError.invalid(
                field: "value",
                problem:
                    "\(metric) of \(e.id) at \(zone.local(observedAt)) is already recorded as report #\(earlier.id) with \(earlier.value), not \(value)",
                fix: "fix the line, or correct the report with obligctl metric report (which supersedes it, audited)")
        }
        // A cached statement: imports insert hundreds of thousands of these in one transaction.
        guard
            let id = try sql.insertReturningID(
                "INSERT INTO metricObservation (entityId, metric, value, observedAt, recordedAt) VALUES (?, ?, ?, ?, ?)",
                e.id, metric, value, observedAt.secondsSinceEpoch, now.secondsSinceEpoch)
        else { throw StoreFault("INSERT INTO metricObservation ... RETURNING id returned no row") }
        let key = MetricKey(entity: e.id, metric: metric)
        if let latest = lookups.latestObserved[key], latest < observedAt.secondsSinceEpoch {
            lookups.latestObserved[key] = observedAt.secondsSinceEpoch
        }
        guard let earlier else { return RecordedFact(id: id, observedAt: observedAt.secondsSinceEpoch) }
        try supersede(earlier, by: id, value: value, metric: metric, entity: e.id, at: zone.local(observedAt))
        return RecordedFact(id: id, superseded: earlier.id, observedAt: observedAt.secondsSinceEpoch)
    }

    /// The latest instant of any report of `metric` of `entity` (retracted ones too), `Int64.min` when
    /// there is none: a report after it cannot repeat or correct one, so it needs no look for an
    /// earlier report of its instant. Read once per transaction and kept up to date by
    /// `recordObservation`: an import of reports in time order then looks for none.
    func latestObserved(entity: String, metric: String) throws -> Int64 {
        let key = MetricKey(entity: entity, metric: metric)
        if let known = lookups.latestObserved[key] { return known }
        let latest =
            try sql.value(
                Int64.self, "SELECT max(observedAt) FROM metricObservation WHERE entityId = ? AND metric = ?", [entity, metric])
            ?? .min
        lookups.latestObserved[key] = latest
        return latest
    }

    /// Derives the threshold obligations of one metric from its whole history: late and out-of-order
    /// reports give the right crossing day, and an obligation whose crossing day changed is moved.
    ///
    /// `only` limits it to some rules and `because` replaces the audit reason (a reload re-deriving
    /// the obligations of rules that changed).
    ///
    /// `newest` is the report just recorded: when it is the latest of the history and no deadline rule
    /// reads the metric, classifications follow from it alone (a busy gauge such as registered users
    /// would otherwise re-read its whole history on every report).
    package func evaluateMetric(
        entityId: String, metric: String, only: Set<String>? = nil, because: String? = nil, flagVanished: Bool = false,
        newest: (id: Int64, value: Int64, at: Int64)? = nil
    ) throws -> Outcome {
        let e = try entity(entityId)
        var outcome = Outcome(factId: 0)
        let rules = config.rules.filter { r in
            guard r.kind == .deadline, r.region == e.region, case let .metric(name, _, _) = r.trigger else { return false }
            return name == metric && only.map { $0.contains(r.id) } ?? true
        }
        let classifies = only == nil && config.classifiedMetrics.contains(metric)
        guard !rules.isEmpty || classifies else { return outcome }
        let zone = try zone(e)
        if rules.isEmpty, let newest, classifiesIncrementally(e, metric: metric),
            try isLatest(newest.id, at: newest.at, entity: e.id, metric: metric)
        {
            try classify(e, metric: metric, newest: newest, zone: zone, outcome: &outcome)
            return outcome
        }
        let history = try history(entity: e.id, metric: metric)
        for rule in rules {
            guard case let .metric(_, conditions, reopen) = rule.trigger, let period = rule.period else { continue }
            if case .notMet = Evaluation.check(rule.entityConditions, entity: e.attributes.values) { continue }
            let crossings =
                rule.resets == .yearly
                ? Evaluation.yearlyCrossings(of: history, conditions: conditions, reopenOnRecross: reopen, zone: zone)
                : Evaluation.crossings(of: history, conditions: conditions, reopenOnRecross: reopen)
            for (i, crossing) in crossings.enumerated() {
                let day = Evaluation.clockStart(trigger: zone.day(of: crossing), rule: rule)
                let opened = outcome.opened.count
                try upsert(
                    entity: e, rule: rule, title: rule.title, triggerKey: .metric(metric, crossing: i + 1),
                    start: .day(day), period: period, roll: rule.roll,
                    reason: because ?? "metric \(metric) crossed on \(zone.day(of: crossing))", outcome: &outcome)
                if outcome.opened.count > opened {
                    try flagUnstatedEntity(outcome.opened[opened], rule: rule, entity: e, outcome: &outcome)
                }
            }
        }
        if classifies { try classify(e, metric: metric, history: history, zone: zone, outcome: &outcome) }
        // After a correction, a crossing the history no longer has leaves its obligation flagged.
        if flagVanished {
            try flagVanishedCrossings(entity: e.id, metric: metric, rules: rules.map(\.id), kept: outcome.derived, outcome: &outcome)
        }
        return outcome
    }

    /// The reports of `metric` of `entity` that count (not retracted or superseded), in no order.
    func history(entity: String, metric: String) throws -> [Observation] {
        try sql.rows(
            "SELECT id, value, observedAt FROM metricObservation WHERE entityId = ? AND metric = ? AND retractedAt IS NULL",
            [entity, metric]
        )
        .map {
            Observation(
                value: try $0.decode(1, "metricObservation.value"),
                at: Instant(secondsSinceEpoch: try $0.decode(2, "metricObservation.observedAt")),
                sequence: try $0.decode(0, "metricObservation.id"))
        }
    }

    /// Records an event and derives its obligations. The same event again (same entity, kind,
    /// reference, instant and attributes) is recognised and records nothing; an event with a
    /// reference already used for another of that kind is a conflict (retract the first to replace it).
    package func addEvent(
        entityId: String, kind: String, at: Start?, ref: String?, attributes: [String: String], inImport: Bool = false
    ) throws -> Outcome {
        if let ref { try Limits.check(ref, field: "ref", max: Limits.name) }
        try Limits.check(at, field: "at")
        for (k, v) in attributes { try Limits.check(v, field: "attributes.\(k)", max: Limits.title) }
        let e = try entity(entityId)
        guard let pack = config.packs.first(where: { $0.events[kind] != nil }), let spec = pack.events[kind] else {
            let known = config.packs.flatMap { $0.events.keys }.sorted()
            throw StoreError.invalid(
                field: "kind", problem: "unknown event kind '\(kind)'", fix: "use one of: \(known.joined(separator: ", "))")
        }
        for (k, v) in attributes {
            guard let type = spec.attributes[k] else {
                throw StoreError.invalid(
                    field: "attributes.\(k)", problem: "event \(kind) has no attribute '\(k)'",
                    fix: spec.attributes.isEmpty ? "give no attributes" : "use: \(spec.attributes.keys.sorted().joined(separator: ", "))")
            }
            if let error = type.check(v) {
                throw StoreError.invalid(field: "attributes.\(k)", problem: "'\(v)' " + error.problem, fix: "expected " + error.accepted)
            }
            if type == .date, let day = try? CivilDate(parsing: v) { try Limits.check(day, field: "attributes.\(k)") }
            // A period an event states (a rectification notice's own deadline) counts forward from it.
            if type == .period, let p = try? Period(parsing: v), p.amount < 0 {
                throw StoreError.invalid(
                    field: "attributes.\(k)", problem: "'\(v)' counts back, but this period runs forward from the event",
                    fix: "give it as the notice states it, e.g. +10wd")
            }
        }
        let zone = try zone(e)
        let atInstant = instant(of: at, zone: zone)
        let isDay: Bool = if case .day = at { true } else { false }
        if let effect = spec.effect { try checkEffect(effect, kind: kind, entity: e.id, ref: ref, at: atInstant) }
        let rules = config.rules.filter { r in
            if case let .event(k, _) = r.trigger { return k == kind && r.kind == .deadline && r.region == e.region }
            return false
        }
        for rule in rules {
            if case let .event(_, attr?) = rule.trigger, attributes[attr] == nil {
                throw StoreError.invalid(
                    field: "attributes.\(attr)", problem: "event \(kind) needs '\(attr)' for rule \(rule.id)",
                    fix: "give it as a date, e.g. \(attr)=2028-08-31")
            }
            if rule.period == nil, let pa = rule.periodAttribute, attributes[pa] == nil {
                throw StoreError.invalid(
                    field: "attributes.\(pa)", problem: "event \(kind) needs '\(pa)' for rule \(rule.id): the time limit it states",
                    fix: "give it as the notice states it, e.g. \(pa)=+15d or \(pa)=+10wd")
            }
            let stated = rule.periodAttribute.flatMap { attributes[$0] }.flatMap { try? Period(parsing: $0) }
            if let period = stated ?? rule.period, period.seconds != nil, isDay {
                throw StoreError.invalid(
                    field: "at", problem: "rule \(rule.id) counts \(period) from the instant of the event, but only a day was given",
                    fix: "give the instant, e.g. 2025-03-03T14:05:00+08:00, or omit it to use now")
            }
        }
        var ev = EventRecord(
            id: nil, entityId: e.id, kind: kind, at: atInstant.secondsSinceEpoch, atIsDay: isDay, ref: ref,
            attributes: StringMap(attributes),
            recordedAt: now.secondsSinceEpoch)
        if let same = try sameEvent(as: ev, zone: zone, inImport: inImport, refNamesIssuer: spec.effect != nil) {
            var outcome = Outcome(factId: same)
            outcome.duplicate = true
            return outcome
        }
        ev.id = try sql.insert(ev)
        var outcome = Outcome(factId: ev.id!)
        for rule in rules {
            try derive(
                from: ev, attributes: attributes, rule: rule, entity: e, zone: zone, reason: "event \(kind) #\(ev.id!)", outcome: &outcome)
        }
        if let effect = spec.effect, let ref {
            try applyEffects(issuedBy: effect.issuedBy, entity: e, ref: ref, reason: "event \(kind) #\(ev.id!)", outcome: &outcome)
        }
        return outcome
    }

    /// Opens or moves the obligation `rule` derives from a recorded event. False when the event
    /// lacks what the rule needs (a date attribute, or an instant for an hour period) or states an
    /// attribute that does not meet the rule's condition (a general incident). An event that does not
    /// state a conditioned attribute derives it all the same, audited as
    /// `obligation.condition-unstated` and listed in `outcome.unstated`.
    @discardableResult
    func derive(
        from ev: EventRecord, attributes: [String: String], rule: Rule, entity e: Entity, zone: Zone, reason: String,
        outcome: inout Outcome
    ) throws -> Bool {
        guard case let .event(_, attr) = rule.trigger else { return false }
        let stated = try rule.periodAttribute.flatMap { attributes[$0] }.map { try Period(parsing: $0) }
        guard let period = stated ?? rule.period else { return false }
        var unstated: [String] = []
        switch Evaluation.check(rule.eventConditions, attributes: attributes) {
        case .met: break
        case .notMet: return false
        case let .notStated(names): unstated = names
        }
        if case .notMet = Evaluation.check(rule.entityConditions, entity: e.attributes.values) { return false }
        let atInstant = Instant(secondsSinceEpoch: ev.at)
        var start: Start
        if let attr {
            guard let text = attributes[attr] else { return false }
            start = .day(try CivilDate(parsing: text))
        } else if period.seconds != nil {
            guard !ev.atIsDay else { return false }
            start = .instant(atInstant)
        } else {
            start = .day(zone.day(of: atInstant))
        }
        if case let .day(d) = start, attr == nil { start = .day(Evaluation.clockStart(trigger: d, rule: rule)) }
        do {
            try upsert(
                entity: e, rule: rule, title: rule.title, triggerKey: .event(ev.id!), start: start, period: period,
                roll: rule.roll, reason: reason, outcome: &outcome)
        } catch let StoreError.invalid(field, problem, fix) where field == "start" {
            // The start is the attribute the user gave (a certificate's `expires`): name that field and
            // value, not the day the rule derives from it, which the user never wrote.
            guard let attr, let given = attributes[attr] else { throw StoreError.invalid(field: field, problem: problem, fix: fix) }
            throw StoreError.invalid(
                field: "attributes.\(attr)", problem: "'\(given)' cannot start rule \(rule.id) (\(period) from it): \(problem)",
                fix: fix.replacingOccurrences(of: "a start", with: "a date"))
        }
        if !unstated.isEmpty,
            let o = try sql.one(
                Obligation.self, "SELECT * FROM obligation WHERE entityId = ? AND ruleId = ? AND triggerKey = ?",
                [e.id, rule.id, TriggerKey.event(ev.id!)]),
            o.status == .open
        {
            let conditions = rule.eventConditions.filter { unstated.contains($0.attribute) }
            let why =
                "condition not stated: event \(ev.kind) #\(ev.id!) gives no "
                + conditions.map { "\($0.attribute) (the rule applies at \($0.attribute) \($0.atLeast) or above: \($0.basis))" }
                .joined(separator: ", no ")
                + "; it is open in case it applies: record the event again with the attribute (retract this one), or waive it if it does not apply"
            try audit(.obligationConditionUnstated, subject: "obligation:\(o.id!)", before: nil, after: nil, note: why)
            outcome.unstated.append(o)
        }
        if let o = outcome.opened.last, o.triggerKey == .event(ev.id!), o.ruleId == rule.id {
            try flagUnstatedEntity(o, rule: rule, entity: e, outcome: &outcome)
        }
        return true
    }

    /// Flags obligation `o`, just opened by `rule`, when `e` has not stated an attribute the rule's
    /// entity conditions read: audited as `obligation.condition-unstated`, listed in `outcome.unstated`.
    func flagUnstatedEntity(_ o: Obligation, rule: Rule, entity e: Entity, outcome: inout Outcome) throws {
        let unstated = unstatedEntityConditions(rule, entity: e)
        guard !unstated.isEmpty else { return }
        let why =
            "condition not stated: entity \(e.id) has not stated "
            + unstated.map { "\($0.attribute) (the rule applies when it is \($0.value): \($0.basis))" }.joined(separator: ", nor ")
            + "; it is open in case it applies: obligctl entity set \(e.id) ATTRIBUTE true|false, or waive it if it does not apply"
        try audit(.obligationConditionUnstated, subject: "obligation:\(o.id!)", before: nil, after: nil, note: why)
        if !outcome.unstated.contains(where: { $0.id == o.id }) { outcome.unstated.append(o) }
    }

    /// Opens an obligation entered by hand (no rule) for `entityId`, due `period` after `start`; an empty title is
    /// refused.
    package func addCustom(entityId: String, title: String, start: Start, period: Period, roll: Roll?) throws -> Obligation {
        try Limits.check(start, field: "start")
        let e = try entity(entityId)
        try Limits.check(title, field: "title", max: Limits.title)
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError.invalid(field: "title", problem: "is empty", fix: "say what must be done")
        }
        let key = TriggerKey.newCustom()
        var outcome = Outcome(factId: 0)
        try upsert(
            entity: e, rule: nil, title: title, triggerKey: key, start: start, period: period, roll: roll,
            reason: "custom obligation", outcome: &outcome)
        return outcome.opened[0]
    }
}
