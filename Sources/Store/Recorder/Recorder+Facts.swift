import DeadlineKit
import Foundation
import GRDB
import Rules

/// Facts: metric observations, events and custom obligations, and what each derives.
extension Recorder {
    package func reportMetric(entityId: String, metric: String, value: Int64, at: Start?) throws -> Outcome {
        let id = try recordObservation(entityId: entityId, metric: metric, value: value, at: at)
        var outcome = try evaluateMetric(entityId: entityId, metric: metric)
        outcome.factId = id
        return outcome
    }

    /// Stores one observation without evaluating rules (an import evaluates each metric once at the end).
    package func recordObservation(entityId: String, metric: String, value: Int64, at: Start?) throws -> Int64 {
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
        // A cached statement: imports insert hundreds of thousands of these in one transaction.
        try db.cachedStatement(
            sql: "INSERT INTO metricObservation (entityId, metric, value, observedAt, recordedAt) VALUES (?, ?, ?, ?, ?)"
        )
        .execute(arguments: [e.id, metric, value, observedAt.secondsSinceEpoch, now.secondsSinceEpoch])
        return db.lastInsertedRowID
    }

    /// Derives the threshold obligations of one metric from its whole history: late and out-of-order
    /// reports give the right crossing day, and an obligation whose crossing day changed is moved.
    ///
    /// `only` limits it to some rules and `because` replaces the audit reason (a reload re-deriving
    /// the obligations of rules that changed).
    package func evaluateMetric(entityId: String, metric: String, only: Set<String>? = nil, because: String? = nil) throws -> Outcome {
        let e = try entity(entityId)
        var outcome = Outcome(factId: 0)
        let rules = config.rules.filter { r in
            guard r.kind == .deadline, r.region == e.region, case let .metric(name, _, _) = r.trigger else { return false }
            return name == metric && only.map { $0.contains(r.id) } ?? true
        }
        guard !rules.isEmpty else { return outcome }
        let zone = try zone(e)
        let history = try Row.fetchAll(
            db, sql: "SELECT id, value, observedAt FROM metricObservation WHERE entityId = ? AND metric = ?",
            arguments: [e.id, metric]
        )
        .map { Observation(value: $0["value"], at: Instant(secondsSinceEpoch: $0["observedAt"]), sequence: $0["id"]) }
        for rule in rules {
            guard case let .metric(_, conditions, reopen) = rule.trigger, let period = rule.period else { continue }
            let crossings = Evaluation.crossings(of: history, conditions: conditions, reopenOnRecross: reopen)
            for (i, crossing) in crossings.enumerated() {
                let day = Evaluation.clockStart(trigger: zone.day(of: crossing), rule: rule)
                try upsert(
                    entity: e, rule: rule, title: rule.title, triggerKey: .metric(metric, crossing: i + 1),
                    start: .day(day), period: period, roll: rule.roll,
                    reason: because ?? "metric \(metric) crossed on \(zone.day(of: crossing))", outcome: &outcome)
            }
        }
        return outcome
    }

    package func addEvent(entityId: String, kind: String, at: Start?, ref: String?, attributes: [String: String]) throws -> Outcome {
        if let ref { try Limits.check(ref, field: "ref", max: Limits.name) }
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
            if let error = Self.check(v, as: type) {
                throw StoreError.invalid(field: "attributes.\(k)", problem: "'\(v)' " + error.problem, fix: "expected " + error.accepted)
            }
        }
        let zone = try zone(e)
        let atInstant = instant(of: at, zone: zone)
        let isDay: Bool = if case .day = at { true } else { false }
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
            if rule.period?.seconds != nil, isDay {
                throw StoreError.invalid(
                    field: "at", problem: "rule \(rule.id) counts \(rule.period!) from the instant of the event, but only a day was given",
                    fix: "give the instant, e.g. 2025-03-03T14:05:00+08:00, or omit it to use now")
            }
        }
        var ev = EventRecord(
            id: nil, entityId: e.id, kind: kind, at: atInstant.secondsSinceEpoch, atIsDay: isDay, ref: ref,
            attributes: StringMap(attributes),
            recordedAt: now.secondsSinceEpoch)
        try ev.insert(db)
        var outcome = Outcome(factId: ev.id!)
        for rule in rules {
            try derive(
                from: ev, attributes: attributes, rule: rule, entity: e, zone: zone, reason: "event \(kind) #\(ev.id!)", outcome: &outcome)
        }
        return outcome
    }

    /// Opens or moves the obligation `rule` derives from a recorded event. False when the event
    /// lacks what the rule needs (a date attribute, or an instant for an hour period).
    @discardableResult
    func derive(
        from ev: EventRecord, attributes: [String: String], rule: Rule, entity e: Entity, zone: Zone, reason: String,
        outcome: inout Outcome
    ) throws -> Bool {
        guard case let .event(_, attr) = rule.trigger, var period = rule.period else { return false }
        if let pa = rule.periodAttribute, let text = attributes[pa] { period = try Period(parsing: text) }
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
        try upsert(
            entity: e, rule: rule, title: rule.title, triggerKey: .event(ev.id!), start: start, period: period,
            roll: rule.roll, reason: reason, outcome: &outcome)
        return true
    }

    static func check(_ value: String, as type: String) -> InputError? {
        do throws(InputError) {
            if type == "date" { _ = try CivilDate(parsing: value) }
            if type == "period" { _ = try Period(parsing: value) }
            return nil
        } catch {
            return error
        }
    }

    package func addCustom(entityId: String, title: String, start: Start, period: Period, roll: Roll?) throws -> Obligation {
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
