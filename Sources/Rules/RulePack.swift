import DeadlineKit
import Foundation

/// A rule pack file (`rules/<name>.json`): the obligations of a jurisdiction with their sources.
package struct RulePack: Sendable {
    /// The pack's name (pack key `pack`); each rule names it as its `pack`.
    package var name: String
    /// The pack's version as its file states it (pack key `version`).
    package var version: Int
    /// The file it was read from, as config errors name it.
    package var file: String
    /// The pack's rules, in file order.
    package var rules: [Rule]
    /// Metric names the pack knows, with a description.
    package var metrics: [String: String]
    /// Metrics that count from a day of each year (`"resets": "yearly"`): a year-to-date count such as
    /// the PI exported "自当年1月1日起" starts from zero on 1 January in the entity's zone.
    package var metricResets: [String: MetricReset] = [:]
    /// Event kinds the pack knows, with a description.
    package var events: [String: EventKind]
    /// Reminder stages for rules that name none, and for custom obligations.
    package var defaultReminders: ReminderPolicy

    /// Attributes an entity may be given (`entityAttributes`, each true or false), with a description:
    /// what rules' `trigger.entity` conditions read (`ciio`, `important_data`).
    package var entityAttributes: [String: String] = [:]

    /// Ordered scales event attributes are stated on (`scales`), by name.
    package var scales: [String: Scale] = [:]

    /// An event kind a pack declares: what it is, the attributes it may state, and its effect on earlier events.
    package struct EventKind: Sendable, Hashable {
        /// What such an event is, for people reading `obligctl rules`.
        package var description: String
        /// Attribute name -> its type.
        package var attributes: [String: AttributeType]
        /// What an event of this kind does to the obligations of an earlier event it names by `ref`
        /// (a certificate suspended, revoked or reinstated); nil for an event that only derives.
        package var effect: EventEffect? = nil
    }

    /// What an event does to the open obligations of the event that issued something it names (by
    /// the same `ref`): a certificate suspended or revoked by the certification body (个人信息出境认证办法:
    /// 暂停其使用直至撤销) no longer needs renewing, so its renewal obligation lapses, neither done
    /// nor waived; lifting a suspension reopens it. Pack keys `lapses` (with `final` for a revocation)
    /// and `reinstates`, each naming the issuing event kind.
    package enum EventEffect: Sendable, Hashable {
        /// Lapses the open obligations of the `issuedBy` event with the same ref; `final` (revoked)
        /// cannot be reinstated.
        case lapses(issuedBy: String, final: Bool)
        /// Reopens the obligations of the `issuedBy` event with the same ref that a suspension lapsed.
        case reinstates(issuedBy: String)

        /// The event kind whose obligations it acts on.
        package var issuedBy: String {
            switch self {
            case let .lapses(kind, _), let .reinstates(kind): kind
            }
        }
    }

    /// Reads and checks a pack file; any unknown key, bad value or missing wording is an error naming file and path.
    package static func parse(_ data: Data, file: String) throws(ConfigError) -> RulePack {
        let root = try JSONObject.parse(data, file: file)
        try root.onlyKeys([
            "pack", "version", "region", "description", "defaults", "metrics", "scales", "events", "rules", "entityAttributes"
        ])
        var entityAttributes: [String: String] = [:]
        if let a = try root.optionalObject("entityAttributes") {
            for key in a.values.keys { entityAttributes[key] = try a.string(key) }
        }
        let name = try root.string("pack")
        let version = try root.int("version")
        let region = try root.string("region")
        let defaults = try root.object("defaults")
        try defaults.onlyKeys(["reminders"])
        let defaultReminders = try parseReminders(try defaults.object("reminders"))

        var metrics: [String: String] = [:]
        var metricResets: [String: MetricReset] = [:]
        let metricsObject = try root.object("metrics")
        for key in metricsObject.values.keys {
            // A description, or { "description": ..., "resets": "yearly" } for a count that starts each year.
            guard metricsObject.values[key] is [String: Any] else {
                metrics[key] = try metricsObject.string(key)
                continue
            }
            let m = try metricsObject.object(key)
            try m.onlyKeys(["description", "resets"])
            metrics[key] = try m.string("description")
            if let text = try m.optionalString("resets") {
                guard let reset = MetricReset(rawValue: text) else {
                    throw m.error(
                        "resets", "unknown reset '\(text)'; use \(MetricReset.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                metricResets[key] = reset
            }
        }
        var scales: [String: Scale] = [:]
        if let scalesObject = try root.optionalObject("scales") {
            for key in scalesObject.values.keys.sorted() {
                let s = try scalesObject.object(key)
                try s.onlyKeys(["description", "levels"])
                _ = try s.optionalString("description")
                var levels: [Scale.Level] = []
                for (i, item) in try s.array("levels").enumerated() {
                    guard let names = item as? [String], !names.isEmpty,
                        names.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty })
                    else {
                        throw s.error("levels[\(i)]", "expected a level's spellings, e.g. [\"relatively-significant\", \"较大\"]")
                    }
                    if let taken = names.first(where: { n in levels.contains { $0.names.contains(n) } }) {
                        throw s.error("levels[\(i)]", "'\(taken)' already names a lower level")
                    }
                    levels.append(Scale.Level(rank: i, names: names))
                }
                guard levels.count >= 2 else { throw s.error("levels", "a scale needs at least two levels, lowest first") }
                scales[key] = Scale(name: key, levels: levels)
            }
        }
        var events: [String: EventKind] = [:]
        let eventsObject = try root.object("events")
        for key in eventsObject.values.keys {
            let e = try eventsObject.object(key)
            try e.onlyKeys(["description", "attributes", "lapses", "final", "reinstates"])
            var attrs: [String: AttributeType] = [:]
            if let a = try e.optionalObject("attributes") {
                for k in a.values.keys {
                    let t = try a.string(k)
                    guard let type = AttributeType(parsing: t, scales: scales) else {
                        let named = scales.keys.sorted().map { "scale:\($0)" }
                        throw a.error(
                            k, "unknown attribute type '\(t)'; use " + (["date", "period", "string"] + named).joined(separator: ", "))
                    }
                    attrs[k] = type
                }
            }
            var effect: EventEffect?
            if let issuer = try e.optionalString("lapses") {
                guard !e.has("reinstates") else { throw e.error("reinstates", "an event either lapses or reinstates, not both") }
                effect = .lapses(issuedBy: issuer, final: try e.bool("final", default: false))
            } else if let issuer = try e.optionalString("reinstates") {
                guard !e.has("final") else { throw e.error("final", "only an event that lapses can be final") }
                effect = .reinstates(issuedBy: issuer)
            } else if e.has("final") {
                throw e.error("final", "only an event that lapses can be final; add \"lapses\": \"<issuing event kind>\"")
            }
            events[key] = EventKind(description: try e.string("description"), attributes: attrs, effect: effect)
        }
        // The issuing kind an effect names must be an event of the pack (checked once all are read).
        for key in eventsObject.values.keys.sorted() {
            guard let effect = events[key]?.effect else { continue }
            let issuer = effect.issuedBy
            guard events[issuer] != nil, events[issuer]?.effect == nil else {
                let field: String
                if case .lapses = effect { field = "lapses" } else { field = "reinstates" }
                let e = try eventsObject.object(key)
                throw e.error(
                    field, "'\(issuer)' is not an issuing event kind of this pack; name the event that issued it, declared under 'events'")
            }
        }

        var rules: [Rule] = []
        for r in try root.objects("rules") {
            try r.onlyKeys([
                "id", "title", "kind", "trigger", "period", "periodAttribute", "roll", "addressee",
                "effective", "citation", "notes", "reminders", "recurrence", "duties"
            ])
            let id = try r.string("id")
            if rules.contains(where: { $0.id == id }) { throw r.error("id", "duplicate rule id '\(id)'") }
            let kindText = try r.string("kind")
            guard let kind = Rule.Kind(rawValue: kindText) else {
                throw r.error("kind", "unknown kind '\(kindText)'; use \(Rule.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let t = try r.object("trigger")
            try t.onlyKeys(["metric", "conditions", "reopenOnRecross", "event", "startAttribute", "when", "entity"])
            var entityConditions: [Rule.EntityCondition] = []
            for c in try t.objects("entity", required: false) {
                try c.onlyKeys(["attribute", "is", "basis"])
                let name = try c.string("attribute")
                guard entityAttributes[name] != nil else {
                    throw c.error("attribute", "unknown entity attribute '\(name)'; declare it under 'entityAttributes'")
                }
                guard c.has("is") else { throw c.error("is", "missing: the value the rule needs, true or false") }
                entityConditions.append(.init(attribute: name, value: try c.bool("is", default: false), basis: try c.string("basis")))
            }
            var eventConditions: [Rule.EventCondition] = []
            var resets: MetricReset?
            var triggerEvent: EventKind?
            let trigger: Rule.Trigger
            if t.has("metric") {
                let metric = try t.string("metric")
                guard metrics[metric] != nil else { throw t.error("metric", "unknown metric '\(metric)'; declare it under 'metrics'") }
                var conditions: [Rule.Condition] = []
                for c in try t.objects("conditions") {
                    try c.onlyKeys(["op", "value", "basis"])
                    let opText = try c.string("op")
                    guard let op = Rule.Condition.Operator(rawValue: opText) else {
                        throw c.error("op", "unknown operator '\(opText)'; use >=, >, <= or <")
                    }
                    // Civil Code art. 1259: the operator follows the instrument's words, so they are written beside it.
                    guard c.has("basis") else {
                        throw c.error(
                            "basis",
                            "needs the words of the instrument the operator comes from, e.g. \"100万人以上: 以上 includes the number\"")
                    }
                    let basis = try c.string("basis")
                    conditions.append(.init(op: op, value: Int64(try c.int("value")), basis: basis))
                }
                guard !conditions.isEmpty else { throw t.error("conditions", "needs at least one condition") }
                trigger = .metric(name: metric, conditions: conditions, reopenOnRecross: try t.bool("reopenOnRecross", default: false))
                resets = metricResets[metric]
            } else if t.has("event") {
                let kind = try t.string("event")
                guard let ev = events[kind] else { throw t.error("event", "unknown event kind '\(kind)'; declare it under 'events'") }
                triggerEvent = ev
                let attr = try t.optionalString("startAttribute")
                if let attr, ev.attributes[attr] != .date {
                    throw t.error("startAttribute", "event \(kind) has no date attribute '\(attr)'")
                }
                for c in try t.objects("when", required: false) {
                    try c.onlyKeys(["attribute", "atLeast", "basis"])
                    let name = try c.string("attribute")
                    guard case let .scale(scale)? = ev.attributes[name] else {
                        throw c.error("attribute", "event \(kind) has no scale attribute '\(name)'; declare it as \"scale:<name>\"")
                    }
                    let text = try c.string("atLeast")
                    let level: Scale.Level
                    do throws(InputError) { level = try scale.level(parsing: text) } catch { throw c.error("atLeast", error.description) }
                    eventConditions.append(.init(attribute: name, scale: scale, atLeast: level, basis: try c.string("basis")))
                }
                trigger = .event(kind: kind, startAttribute: attr)
            } else {
                throw t.error(nil, "needs either 'metric' (with 'conditions') or 'event'")
            }
            let period = r.has("period") ? try r.period("period") : nil
            let periodAttribute = try r.optionalString("periodAttribute")
            if let periodAttribute, triggerEvent?.attributes[periodAttribute] != .period {
                throw r.error("periodAttribute", "the trigger event has no period attribute '\(periodAttribute)'")
            }
            // A rule without a period of its own takes the one each event states (a rectification
            // notice's time limit): the event must then state it.
            if kind == .deadline, period == nil, periodAttribute == nil {
                throw r.error("period", "a deadline rule needs a period, e.g. +30wd, or a periodAttribute of its event")
            }
            var roll: Roll?
            if let rollText = try r.optionalString("roll") {
                guard let v = Roll(rawValue: rollText) else { throw r.error("roll", "use forward, backward or none") }
                roll = v
            }
            let title = try r.wording("title"), citation = try r.wording("citation")
            let addressee = r.has("addressee") ? try r.wording("addressee") : nil
            let duties = try r.wordings("duties")
            func wording(_ language: Language) -> Rule.Wording {
                Rule.Wording(
                    title: title[language]!, addressee: addressee?[language], duties: duties.map { $0[language]! },
                    citation: citation[language]!)
            }
            let reminders = try r.optionalObject("reminders").map { o throws(ConfigError) in try parseReminders(o) } ?? defaultReminders
            rules.append(
                Rule(
                    id: id, english: wording(.en), chinese: wording(.zhCN), kind: kind, region: region, trigger: trigger,
                    period: period, periodAttribute: periodAttribute, roll: roll,
                    effective: try r.optionalDate("effective"), notes: try r.optionalString("notes"), reminders: reminders,
                    recurrence: r.has("recurrence") ? try r.period("recurrence") : nil, pack: name))
            rules[rules.count - 1].eventConditions = eventConditions
            rules[rules.count - 1].resets = resets
            rules[rules.count - 1].entityConditions = entityConditions
        }
        var pack = RulePack(
            name: name, version: version, file: file, rules: rules, metrics: metrics, events: events,
            defaultReminders: defaultReminders, scales: scales)
        pack.metricResets = metricResets
        pack.entityAttributes = entityAttributes
        return pack
    }

    static func parseReminders(_ o: JSONObject) throws(ConfigError) -> ReminderPolicy {
        // "why": the reason for the stages, for the people who read the pack; obligd does not use it.
        try o.onlyKeys(["before", "dueDayAt", "overdueEvery", "overdueBackoff", "restDays", "why"])
        _ = try o.optionalString("why")
        var before: [Period] = []
        for (i, s) in try o.strings("before", required: false).enumerated() {
            do throws(InputError) {
                let p = try Period(parsing: s)
                guard p.isBackward else {
                    throw InputError(
                        token: s, problem: "is not a time before the deadline", accepted: "e.g. -20wd, -5wd, -30d, -7d, -1d, -2h, -5min")
                }
                before.append(p)
            } catch { throw o.error("before[\(i)]", error.description) }
        }
        var at: Int?
        if let text = try o.optionalString("dueDayAt") {
            let parts = text.split(separator: ":")
            guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m),
                parts[0].count == 2, parts[1].count == 2
            else {
                throw o.error("dueDayAt", "'\(text)' is not a time of day; use HH:MM, e.g. 09:00")
            }
            at = h * 60 + m
        }
        var overdue: Period?
        if o.has("overdueEvery") {
            let p = try o.period("overdueEvery")
            guard p.amount > 0 else {
                throw o.error("overdueEvery", "'\(p)' is not a time after the deadline; use e.g. +1wd, +1d, +1h or +5min")
            }
            overdue = p
        }
        let backoff = try o.bool("overdueBackoff", default: true)
        var restDays = RestDays.move
        if let text = try o.optionalString("restDays") {
            guard let r = RestDays(rawValue: text) else {
                throw o.error(
                    "restDays",
                    "'\(text)' is not a rest-day rule; use move (reminders leave rest days, the default) or fire (on the calendar day)")
            }
            restDays = r
        }
        return ReminderPolicy(before: before, dueDayAtMinutes: at, overdueEvery: overdue, overdueBackoff: backoff, restDays: restDays)
    }
}
