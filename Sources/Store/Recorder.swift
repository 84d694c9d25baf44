import DeadlineKit
import Foundation
import GRDB
import Rules

/// Records facts and derives obligations inside one transaction: a fact and the obligations, audit rows
/// and notifications it causes are committed together or not at all.
public struct Recorder {
    public let db: Database
    public let config: Rules.Configuration
    public let now: Instant
    public let actor: String
    /// Entities and zones already looked up in this transaction (imports touch the same few many times).
    private let lookups = Lookups()

    private final class Lookups {
        var entities: [String: Entity] = [:]
        var zones: [String: Zone] = [:]
    }

    public init(db: Database, config: Rules.Configuration, now: Instant, actor: String) {
        self.db = db
        self.config = config
        self.now = now
        self.actor = actor
    }

    func zone(_ e: Entity) throws -> Zone {
        if let z = lookups.zones[e.zone] { return z }
        let z = try Zone(e.zone)
        lookups.zones[e.zone] = z
        return z
    }

    // MARK: Entities

    public func addEntity(id: String, name: String, zone: String?, region: String?, owner: String?, labels: [String: String]) throws -> Entity {
        guard id.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"#, options: .regularExpression) != nil else {
            throw StoreError.invalid(field: "id", problem: "'\(id)' is not a valid entity id",
                                     fix: "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError.invalid(field: "name", problem: "is empty", fix: "give the entity's name")
        }
        let zoneId = zone ?? Zone.defaultIdentifier
        do { _ = try Zone(zoneId) } catch {
            throw StoreError.invalid(field: "zone", problem: "'\(zoneId)' is not a known time zone", fix: "use an IANA name such as Asia/Shanghai")
        }
        let regionId = region ?? "cn"
        guard config.calendars[regionId] != nil else {
            throw StoreError.invalid(field: "region", problem: "no calendar for region '\(regionId)'",
                                     fix: "use one of: \(config.calendars.keys.sorted().joined(separator: ", "))")
        }
        if try Entity.fetchOne(db, key: id) != nil {
            throw StoreError.conflict("entity '\(id)' already exists")
        }
        let labelsJSON = String(decoding: try JSONSerialization.data(withJSONObject: labels, options: [.sortedKeys]), as: UTF8.self)
        let e = Entity(id: id, name: name, zone: zoneId, region: regionId, owner: owner, labels: labelsJSON, createdAt: now.secondsSinceEpoch)
        try e.insert(db)
        try audit("entity.created", subject: "entity:\(id)", before: nil, after: json(e))
        return e
    }

    public func entity(_ id: String, field: String = "entity") throws -> Entity {
        if let e = lookups.entities[id] { return e }
        guard let e = try Entity.fetchOne(db.cachedStatement(sql: "SELECT * FROM entity WHERE id = ?"), arguments: [id]) else {
            throw StoreError.invalid(field: field, problem: "no entity '\(id)'", fix: "add it first with obligctl entity add \(id) NAME")
        }
        lookups.entities[id] = e
        return e
    }

    // MARK: Metrics

    public struct Outcome: Sendable {
        public var factId: Int64
        public init(factId: Int64) { self.factId = factId }
        public var opened: [Obligation] = []
        public var moved: [Obligation] = []
        /// Every (entity, trigger) a rule derived, whether opened, moved or unchanged: a re-derivation
        /// uses it to find the obligations the facts no longer give.
        public var derived: Set<DerivedKey> = []
    }

    /// An obligation's identity within its rule.
    public struct DerivedKey: Hashable, Sendable {
        public var entity: String
        public var trigger: String
        public init(entity: String, trigger: String) {
            self.entity = entity
            self.trigger = trigger
        }
    }

    public func reportMetric(entityId: String, metric: String, value: Int64, at: Start?) throws -> Outcome {
        let id = try recordObservation(entityId: entityId, metric: metric, value: value, at: at)
        var outcome = try evaluateMetric(entityId: entityId, metric: metric)
        outcome.factId = id
        return outcome
    }

    /// Stores one observation without evaluating rules (an import evaluates each metric once at the end).
    public func recordObservation(entityId: String, metric: String, value: Int64, at: Start?) throws -> Int64 {
        let e = try entity(entityId)
        guard config.knownMetrics.contains(metric) else {
            throw StoreError.invalid(field: "metric", problem: "unknown metric '\(metric)'",
                                     fix: "use one of: \(config.knownMetrics.sorted().joined(separator: ", "))")
        }
        guard value >= 0 else { throw StoreError.invalid(field: "value", problem: "\(value) is negative", fix: "report a count of 0 or more") }
        let zone = try zone(e)
        let observedAt = instant(of: at, zone: zone)
        guard observedAt <= now.adding(seconds: 86_400) else {
            throw StoreError.invalid(field: "at", problem: "\(observedAt) is in the future", fix: "report what was observed, at or before now")
        }
        // A cached statement: imports insert hundreds of thousands of these in one transaction.
        try db.cachedStatement(sql: "INSERT INTO metricObservation (entityId, metric, value, observedAt, recordedAt) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [e.id, metric, value, observedAt.secondsSinceEpoch, now.secondsSinceEpoch])
        return db.lastInsertedRowID
    }

    /// Derives the threshold obligations of one metric from its whole history: late and out-of-order
    /// reports give the right crossing day, and an obligation whose crossing day changed is moved.
    ///
    /// `only` limits it to some rules and `because` replaces the audit reason (a reload re-deriving
    /// the obligations of rules that changed).
    public func evaluateMetric(entityId: String, metric: String, only: Set<String>? = nil, because: String? = nil) throws -> Outcome {
        let e = try entity(entityId)
        var outcome = Outcome(factId: 0)
        let rules = config.rules.filter { r in
            guard r.kind == .deadline, r.region == e.region, case let .metric(name, _, _) = r.trigger else { return false }
            return name == metric && only.map { $0.contains(r.id) } ?? true
        }
        guard !rules.isEmpty else { return outcome }
        let zone = try zone(e)
        let history = try Row.fetchAll(db, sql: "SELECT id, value, observedAt FROM metricObservation WHERE entityId = ? AND metric = ?",
                                       arguments: [e.id, metric])
            .map { Observation(value: $0["value"], at: Instant(secondsSinceEpoch: $0["observedAt"]), sequence: $0["id"]) }
        for rule in rules {
            guard case let .metric(_, conditions, reopen) = rule.trigger, let period = rule.period else { continue }
            let crossings = Evaluation.crossings(of: history, conditions: conditions, reopenOnRecross: reopen)
            for (i, crossing) in crossings.enumerated() {
                let day = Evaluation.clockStart(trigger: zone.day(of: crossing), rule: rule)
                try upsert(entity: e, rule: rule, title: rule.title, triggerKey: "metric:\(metric)#\(i + 1)",
                           start: .day(day), period: period, roll: rule.roll,
                           reason: because ?? "metric \(metric) crossed on \(zone.day(of: crossing))", outcome: &outcome)
            }
        }
        return outcome
    }

    // MARK: Events

    public func addEvent(entityId: String, kind: String, at: Start?, ref: String?, attributes: [String: String]) throws -> Outcome {
        let e = try entity(entityId)
        guard let pack = config.packs.first(where: { $0.events[kind] != nil }), let spec = pack.events[kind] else {
            let known = config.packs.flatMap { $0.events.keys }.sorted()
            throw StoreError.invalid(field: "kind", problem: "unknown event kind '\(kind)'", fix: "use one of: \(known.joined(separator: ", "))")
        }
        for (k, v) in attributes {
            guard let type = spec.attributes[k] else {
                throw StoreError.invalid(field: "attributes.\(k)", problem: "event \(kind) has no attribute '\(k)'",
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
                throw StoreError.invalid(field: "attributes.\(attr)", problem: "event \(kind) needs '\(attr)' for rule \(rule.id)",
                                         fix: "give it as a date, e.g. \(attr)=2028-08-31")
            }
            if rule.period?.seconds != nil, isDay {
                throw StoreError.invalid(field: "at", problem: "rule \(rule.id) counts \(rule.period!) from the instant of the event, but only a day was given",
                                         fix: "give the instant, e.g. 2025-03-03T14:05:00+08:00, or omit it to use now")
            }
        }
        var ev = EventRecord(id: nil, entityId: e.id, kind: kind, at: atInstant.secondsSinceEpoch, atIsDay: isDay, ref: ref,
                             attributes: String(decoding: try JSONSerialization.data(withJSONObject: attributes, options: [.sortedKeys]), as: UTF8.self),
                             recordedAt: now.secondsSinceEpoch)
        try ev.insert(db)
        var outcome = Outcome(factId: ev.id!)
        for rule in rules {
            try derive(from: ev, attributes: attributes, rule: rule, entity: e, zone: zone, reason: "event \(kind) #\(ev.id!)", outcome: &outcome)
        }
        return outcome
    }

    /// Opens or moves the obligation `rule` derives from a recorded event. False when the event
    /// lacks what the rule needs (a date attribute, or an instant for an hour period).
    @discardableResult
    func derive(from ev: EventRecord, attributes: [String: String], rule: Rule, entity e: Entity, zone: Zone, reason: String,
                outcome: inout Outcome) throws -> Bool {
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
        try upsert(entity: e, rule: rule, title: rule.title, triggerKey: "event:\(ev.id!)", start: start, period: period,
                   roll: rule.roll, reason: reason, outcome: &outcome)
        return true
    }

    // MARK: Rule changes

    /// The (entity, metric) pairs with reports that `rules` could turn into obligations.
    public func metricSubjects(of rules: [Rule]) throws -> [(entity: String, metric: String)] {
        var result: [(String, String)] = []
        for rule in rules {
            guard rule.kind == .deadline, case let .metric(name, _, _) = rule.trigger else { continue }
            let rows = try Row.fetchAll(db, sql: """
                SELECT DISTINCT o.entityId FROM metricObservation o JOIN entity e ON e.id = o.entityId
                WHERE o.metric = ? AND e.region = ? ORDER BY o.entityId
                """, arguments: [name, rule.region])
            for row in rows { result.append((row[0], name)) }
        }
        var seen = Set<String>()
        return result.filter { seen.insert("\($0.0)\u{0}\($0.1)").inserted }
    }

    /// Re-derives, from events with id > `afterId` (up to `limit`), the obligations of `rules` (new or
    /// changed on reload): a due date that moves is audited and notified with `because`; an
    /// obligation a new rule derives from an older event is opened.
    public func rederiveEvents(afterId: Int64, limit: Int = 5000, rules: [Rule], because: String) throws
        -> (lastId: Int64, examined: Int, skipped: Int, outcome: Outcome) {
        let kinds = rules.compactMap { r -> String? in
            if r.kind == .deadline, case let .event(k, _) = r.trigger { return k }
            return nil
        }
        var outcome = Outcome(factId: 0)
        guard !kinds.isEmpty else { return (afterId, 0, 0, outcome) }
        let events = try EventRecord
            .filter(Column("id") > afterId && kinds.contains(Column("kind")))
            .order(Column("id")).limit(limit).fetchAll(db)
        var skipped = 0
        for ev in events {
            let e = try entity(ev.entityId)
            let attributes = (try? JSONSerialization.jsonObject(with: Data(ev.attributes.utf8))) as? [String: String] ?? [:]
            for rule in rules where rule.region == e.region {
                guard case let .event(k, _) = rule.trigger, k == ev.kind else { continue }
                // An event the changed rule cannot derive from (no date attribute, a due day outside the
                // calendars) is counted and left; the others are still re-derived.
                do {
                    if try !derive(from: ev, attributes: attributes, rule: rule, entity: e, zone: try zone(e), reason: because, outcome: &outcome) {
                        skipped += 1
                    }
                } catch let error where error is StoreError || error is InputError {
                    // Undecidable is not "no longer given": its obligation is kept as it is.
                    outcome.derived.insert(DerivedKey(entity: e.id, trigger: "event:\(ev.id!)"))
                    skipped += 1
                }
            }
        }
        return (events.last?.id ?? afterId, events.count, skipped, outcome)
    }

    /// Re-derives, for obligations with id > `afterId` (up to `limit`), the follow-ups a recurring
    /// `rule` opened when an obligation was marked done: each starts at its predecessor's due day and
    /// runs the rule's `recurrence`. A rule that no longer recurs derives none (they are then flagged).
    public func rederiveRecurrences(afterId: Int64, limit: Int = 1000, rule: Rule, because: String) throws
        -> (lastId: Int64, examined: Int, outcome: Outcome) {
        var outcome = Outcome(factId: 0)
        let followUps = try Obligation
            .filter(Column("ruleId") == rule.id && Column("triggerKey").like("recurrence:%") && Column("id") > afterId)
            .order(Column("id")).limit(limit).fetchAll(db)
        for o in followUps {
            guard let recurrence = rule.recurrence, let previousId = Int64(o.triggerKey.dropFirst("recurrence:".count)),
                  let previous = try Obligation.fetchOne(db, key: previousId), let due = try? CivilDate(parsing: previous.due) else { continue }
            let e = try entity(o.entityId)
            do {
                try upsert(entity: e, rule: rule, title: rule.title, triggerKey: o.triggerKey, start: .day(due), period: recurrence,
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
    public func flagUnderived(ruleId: String, keep: (DerivedKey) -> Bool, because: String, afterId: Int64, limit: Int = 1000) throws
        -> (lastId: Int64, examined: Int, flagged: [Obligation]) {
        // `+status`: walk the primary key from the cursor; the status index would rescan every open row per batch.
        let rows = try Obligation.fetchAll(db, sql: "SELECT * FROM obligation WHERE id > ? AND ruleId = ? AND +status = 'open' ORDER BY id LIMIT ?",
                                           arguments: [afterId, ruleId, limit])
        var flagged: [Obligation] = []
        for o in rows where !keep(DerivedKey(entity: o.entityId, trigger: o.triggerKey)) {
            let reason = "\(because); the recorded facts no longer give this obligation. It stays open: mark it done, or waive it if it no longer applies"
            try audit("obligation.underived", subject: "obligation:\(o.id!)", before: nil, after: nil, note: reason)
            try notify("obligation.underived", o, .init(reason: reason))
            flagged.append(o)
        }
        return (rows.last?.id ?? afterId, rows.count, flagged)
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

    // MARK: Custom obligations

    public func addCustom(entityId: String, title: String, start: Start, period: Period, roll: Roll?) throws -> Obligation {
        let e = try entity(entityId)
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError.invalid(field: "title", problem: "is empty", fix: "say what must be done")
        }
        let key = "custom:\(UUID().uuidString.lowercased())"
        var outcome = Outcome(factId: 0)
        try upsert(entity: e, rule: nil, title: title, triggerKey: key, start: start, period: period, roll: roll,
                   reason: "custom obligation", outcome: &outcome)
        return outcome.opened[0]
    }

    // MARK: Lifecycle

    public func obligation(_ id: Int64) throws -> Obligation {
        guard let o = try Obligation.fetchOne(try db.cachedStatement(sql: "SELECT * FROM obligation WHERE id = ?"), arguments: [id]) else {
            throw StoreError.notFound("obligation \(id)")
        }
        return o
    }

    /// Writes back a derived obligation with a cached statement: a re-derivation or recompute that moves
    /// a million obligations spent most of its time preparing GRDB's update statement for each.
    func save(_ o: Obligation) throws {
        try db.cachedStatement(sql: """
            UPDATE obligation SET title = ?, start = ?, period = ?, roll = ?, due = ?, dueInstant = ?, calendars = ?, provisional = ?,
              status = ?, nextStageIndex = ?, nextReminderAt = ?, closedOn = ?, closedNote = ?, updatedAt = ? WHERE id = ?
            """).execute(arguments: [o.title, o.start, o.period, o.roll, o.due, o.dueInstant, o.calendars, o.provisional,
                                     o.status.rawValue, o.nextStageIndex, o.nextReminderAt, o.closedOn, o.closedNote, o.updatedAt, o.id])
    }

    public func close(_ id: Int64, as status: Obligation.Status, on day: CivilDate?, note: String?) throws -> Obligation {
        var o = try obligation(id)
        let before = try json(o)
        switch status {
        case .done:
            guard o.status == .open else { throw StoreError.conflict("obligation \(id) is \(o.status.rawValue), not open; reopen it first") }
        case .waived:
            guard o.status == .open else { throw StoreError.conflict("obligation \(id) is \(o.status.rawValue), not open; reopen it first") }
            guard let note, !note.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StoreError.invalid(field: "reason", problem: "a waiver needs a reason", fix: "say why, e.g. --reason \"not in scope: no facial data stored\"")
            }
        case .open:
            guard o.status != .open else { throw StoreError.conflict("obligation \(id) is already open") }
        }
        let e = try entity(o.entityId)
        let zone = try zone(e)
        o.status = status
        o.closedOn = status == .open ? nil : (day ?? zone.day(of: now)).description
        if status == .open { try armReminders(&o) } else { o.nextStageIndex = nil; o.nextReminderAt = nil }
        o.closedNote = status == .open ? nil : note
        o.updatedAt = now.secondsSinceEpoch
        try o.update(db)
        // Closing ends an acknowledgement (the audit keeps it); a reopened obligation starts unclaimed.
        _ = try Acknowledgement.deleteOne(db, key: id)
        let action = status == .open ? "obligation.reopened" : "obligation.\(status.rawValue)"
        try audit(action, subject: "obligation:\(id)", before: before, after: try json(o), note: note)
        try notify(action, o)
        if status == .done, let ruleId = o.ruleId, let rule = config.rule(ruleId), let rec = rule.recurrence {
            // A recurring obligation opens the next one from the current due day.
            var outcome = Outcome(factId: 0)
            try upsert(entity: e, rule: rule, title: rule.title, triggerKey: "recurrence:\(id)",
                       start: .day(try CivilDate(parsing: o.due)), period: rec, roll: rule.roll,
                       reason: "recurs after obligation \(id)", outcome: &outcome)
        }
        return o
    }

    // MARK: Reminders

    /// Sends every reminder stage that is due at `now`, for up to `limit` obligations: one ledger row
    /// per (obligation, stage) and its outbox row in this transaction. Stages missed while obligd was
    /// down collapse into the latest, sent once and marked late. Returns how many were sent and
    /// whether more obligations are waiting.
    public func fireReminders(limit: Int = 1000, lateAfterSeconds: Int64 = 60) throws -> (sent: Int, more: Bool) {
        let due = try Obligation
            .filter(Column("nextReminderAt") != nil && Column("nextReminderAt") <= now.secondsSinceEpoch)
            .order(Column("nextReminderAt"), Column("id"))
            .limit(limit)
            .fetchAll(db)
        var sent = 0
        for var o in due {
            let e = try entity(o.entityId)
            let plan = try Reminders.plan(for: o, entity: e, config: config, zone: try zone(e))
            if o.status == .open, let index = o.nextStageIndex, let stage = plan.latestStage(from: index, atOrBefore: now) {
                let collapsed = stage.index - index
                let late = now.secondsSinceEpoch - stage.fireAt.secondsSinceEpoch > lateAfterSeconds || collapsed > 0
                var recorded = false
                // A stage an acknowledgement reduces is skipped, not recorded (see Acknowledgement).
                if try !reducedByAcknowledgement(o, stage: stage, plan: plan, zone: try zone(e)) {
                    try db.cachedStatement(sql: "INSERT OR IGNORE INTO reminderLedger (obligationId, stage, dueAt, firedAt, late) VALUES (?, ?, ?, ?, ?)")
                        .execute(arguments: [o.id, stage.key, stage.fireAt.secondsSinceEpoch, now.secondsSinceEpoch, late])
                    recorded = db.changesCount > 0
                }
                if recorded {
                    try notify("reminder", o, .init(stage: stage.name, stageKey: stage.key, late: late,
                                                    scheduledAt: stage.fireAt.secondsSinceEpoch, collapsed: collapsed))
                    sent += 1
                }
                let next = plan.stage(stage.index + 1)
                o.nextStageIndex = next?.index
                o.nextReminderAt = next?.fireAt.secondsSinceEpoch
            } else {
                let next = o.status == .open ? plan.firstStage(after: now) : nil
                o.nextStageIndex = next?.index
                o.nextReminderAt = next?.fireAt.secondsSinceEpoch
            }
            try db.cachedStatement(sql: "UPDATE obligation SET nextStageIndex = ?, nextReminderAt = ? WHERE id = ?")
                .execute(arguments: [o.nextStageIndex, o.nextReminderAt, o.id])
        }
        return (sent, due.count == limit)
    }

    /// Whether an acknowledgement holding today suppresses `stage`: before-stages other than the last,
    /// and overdue repeats within a day of the obligation's previous reminder. The due stage never.
    func reducedByAcknowledgement(_ o: Obligation, stage: ReminderPlan.Stage, plan: ReminderPlan, zone: Zone) throws -> Bool {
        guard let id = o.id, let ack = try Acknowledgement.fetchOne(db, key: id), ack.holds(on: zone.day(of: now)) else { return false }
        if stage.name.hasPrefix("before:") {
            return plan.stage(stage.index + 1)?.name.hasPrefix("before:") == true
        }
        guard stage.name.hasPrefix("overdue:") else { return false }
        let last = try Int64.fetchOne(db, sql: "SELECT max(firedAt) FROM reminderLedger WHERE obligationId = ?", arguments: [id])
        return last.map { now.secondsSinceEpoch - $0 < 86_400 } ?? false
    }

    /// The earliest pending reminder, for the scheduler to sleep until.
    public func nextReminder() throws -> Instant? {
        try Int64.fetchOne(db, sql: "SELECT min(nextReminderAt) FROM obligation WHERE nextReminderAt IS NOT NULL")
            .map { Instant(secondsSinceEpoch: $0) }
    }

    // MARK: Recompute

    public struct RecomputeResult: Sendable {
        public var lastId: Int64
        public var examined = 0
        public var moved = 0
        public var confirmed = 0
    }

    /// Recomputes open obligations with id > `afterId` (up to `limit`) under the configuration in
    /// force: a due day that moves is audited ("moved from X to Y: calendar cn/2027 v1 published") and
    /// notified; a provisional one whose new calendar keeps the day stops being provisional, audited.
    public func recompute(afterId: Int64, limit: Int = 5000, years: [String]? = nil) throws -> RecomputeResult {
        // Read only the columns the computation needs; decode and rewrite a full record only when it changed.
        // `+status` keeps SQLite walking the rowid from the cursor instead of the status index (which
        // would rescan every open row on each batch).
        // Only obligations decided by a calendar year that changed can move (`years`: "cn/2027" ...).
        var filter = ""
        var arguments: StatementArguments = [afterId]
        if let years {
            filter = " AND (" + years.map { _ in "calendars LIKE ?" }.joined(separator: " OR ") + ")"
            for y in years { arguments += ["%\"\(y) %"] }
        }
        arguments += [limit]
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, entityId, start, period, roll, due, dueInstant, calendars, provisional FROM obligation
            WHERE +status = 'open' AND id > ?\(filter) ORDER BY id LIMIT ?
            """, arguments: arguments)
        var result = RecomputeResult(lastId: rows.last?[0] ?? afterId)
        for row in rows {
            result.examined += 1
            // Columns by position: name lookups lowercase and hash every key, per row.
            let e = try entity(row[1])
            let calculator = DueCalculator(calendar: try config.calendar(e.region))
            let start = try Start(parsing: row[2] as String)
            let period = try Period(parsing: row[3] as String)
            let roll = (row[4] as String?).flatMap(Roll.init(rawValue:))
            let r: DueResult
            do { r = try calculator.due(from: start, period, roll: roll, zone: try zone(e)) } catch {
                throw StoreError.invalid(field: "start", problem: "\(error)", fix: "check the obligation's start and period")
            }
            let oldDue: String = row[5]
            let oldInstant: Int64 = row[6]
            let oldCalendars: String = row[7]
            let oldProvisional: Bool = row[8]
            let moved = r.due.description != oldDue || r.dueInstant.secondsSinceEpoch != oldInstant
            // Same day and status under a new version of the same calendars: nothing to record. The stored
            // labels still name the deciding years, which is what the next reload filters on; `show
            // --explain` always names the versions in force.
            guard moved || r.provisional != oldProvisional else { continue }
            var o = try obligation(row[0])
            let before = try json(o)
            let reason = Self.calendarChange(old: oldCalendars, new: calendarsJSON(r, calendar: calculator.calendar))
            apply(r, start: start, period: period, to: &o)
            try save(o)
            if moved {
                let note = "moved from \(oldDue) to \(o.due): \(reason)"
                try audit("obligation.moved", subject: "obligation:\(o.id!)", before: before, after: try json(o), note: note)
                try notify("obligation.moved", o, .init(from: oldDue, reason: reason))
                result.moved += 1
            } else {
                try audit("obligation.recomputed", subject: "obligation:\(o.id!)", before: before, after: try json(o),
                          note: "due \(o.due) unchanged\(o.provisional ? "" : ", no longer provisional"): \(reason)")
                result.confirmed += 1
            }
        }
        return result
    }

    static func calendarChange(old: String, new: String) -> String {
        func list(_ s: String) -> [String] { (try? JSONSerialization.jsonObject(with: Data(s.utf8))) as? [String] ?? [] }
        let added = list(new).filter { !list(old).contains($0) }
        let published = added.filter { !$0.hasSuffix("estimated") }
        if !published.isEmpty { return "calendar \(published.joined(separator: ", ")) published" }
        if !added.isEmpty { return "calendars now \(list(new).joined(separator: ", "))" }
        return "configuration reloaded"
    }

    // MARK: Derivation

    /// Opens the obligation for (entity, rule, trigger) or, if its start changed (a backdated report),
    /// moves it; both are audited and notified.
    func upsert(entity e: Entity, rule: Rule?, title: String, triggerKey: String, start: Start, period: Period, roll: Roll?,
                reason: String, outcome: inout Outcome) throws {
        let computed = try compute(entity: e, start: start, period: period, roll: roll)
        outcome.derived.insert(DerivedKey(entity: e.id, trigger: triggerKey))
        let existing = try Obligation.fetchOne(
            try db.cachedStatement(sql: "SELECT * FROM obligation WHERE entityId = ? AND ruleId IS ? AND triggerKey = ?"),
            arguments: [e.id, rule?.id, triggerKey])
        if var o = existing {
            guard o.start != start.description || o.period != period.description || o.roll != roll?.rawValue else { return }
            guard o.status == .open else { return }
            let before = try json(o)
            let from = o.due, fromInstant = o.dueInstant
            o.roll = roll?.rawValue
            apply(computed, start: start, period: period, to: &o)
            try save(o)
            guard o.due != from || o.dueInstant != fromInstant else {
                // A new start or rule that lands on the same day: recorded, but nobody needs telling.
                try audit("obligation.recomputed", subject: "obligation:\(o.id!)", before: before, after: try json(o),
                          note: "due \(o.due) unchanged: \(reason)")
                return
            }
            try audit("obligation.moved", subject: "obligation:\(o.id!)", before: before, after: try json(o),
                      note: "moved from \(from) to \(o.due): \(reason)")
            try notify("obligation.moved", o, .init(from: from, reason: reason))
            outcome.moved.append(o)
            return
        }
        var o = Obligation(id: nil, entityId: e.id, ruleId: rule?.id, title: title, triggerKey: triggerKey, start: "", period: "",
                           roll: roll?.rawValue, due: "", dueInstant: 0, calendars: "[]", provisional: false, status: .open,
                           nextStageIndex: nil, nextReminderAt: nil, closedOn: nil, closedNote: nil, createdAt: now.secondsSinceEpoch, updatedAt: now.secondsSinceEpoch)
        apply(computed, start: start, period: period, to: &o)
        try o.insert(db)
        try audit("obligation.opened", subject: "obligation:\(o.id!)", before: nil, after: try json(o), note: reason)
        try notify("obligation.opened", o)
        outcome.opened.append(o)
    }

    func apply(_ r: DueResult, start: Start, period: Period, to o: inout Obligation) {
        o.start = start.description
        o.period = period.description
        o.due = r.due.description
        o.dueInstant = r.dueInstant.secondsSinceEpoch
        o.provisional = r.provisional
        if let calendar = config.calendars[r.region] { o.calendars = calendarsJSON(r, calendar: calendar) }
        try? armReminders(&o)
        o.updatedAt = now.secondsSinceEpoch
    }

    /// Points the obligation at its first reminder stage after now; stages already past when it is
    /// opened or moved are not sent (the "opened" or "moved" notification says what is due).
    public func armReminders(_ o: inout Obligation) throws {
        let e = try entity(o.entityId)
        let plan = try Reminders.plan(for: o, entity: e, config: config, zone: try zone(e))
        let next = plan.firstStage(after: now)
        o.nextStageIndex = next?.index
        o.nextReminderAt = next?.fireAt.secondsSinceEpoch
    }

    public func compute(entity e: Entity, start: Start, period: Period, roll: Roll?) throws -> DueResult {
        let zone = try zone(e)
        let calendar = try config.calendar(e.region)
        do {
            return try DueCalculator(calendar: calendar).due(from: start, period, roll: roll, zone: zone)
        } catch let error as WorkingCalendar.Error {
            throw StoreError.invalid(field: "start", problem: error.description, fix: "use a start within \(calendar.years.lowerBound)-\(calendar.years.upperBound)")
        } catch let error as InputError {
            throw StoreError.invalid(field: "start", problem: "\(error.token) \(error.problem)", fix: "expected " + error.accepted)
        }
    }

    func instant(of start: Start?, zone: Zone) -> Instant {
        switch start {
        case nil: now
        case let .day(d)?: zone.instant(d)
        case let .instant(i)?: i
        }
    }

    // MARK: Audit and outbox

    func audit(_ action: String, subject: String, before: String?, after: String?, note: String? = nil) throws {
        try db.cachedStatement(sql: "INSERT INTO audit (at, actor, action, subject, before, after, note) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [now.secondsSinceEpoch, actor, action, subject, before, after, note])
    }

    func notify(_ kind: String, _ o: Obligation, _ detail: OutboxPayload.Detail = .init()) throws {
        let payload = OutboxPayload(kind: kind, obligation: o, detail: detail)
        // A cached statement and a typed encoder: a burst of reminders writes thousands of these per transaction.
        let statement = try db.cachedStatement(sql: """
            INSERT INTO outbox (id, createdAt, kind, obligationId, payload, status, attempts, lastError)
            VALUES (?, ?, ?, ?, ?, 'pending', 0, NULL)
            """)
        try statement.execute(arguments: [OutboxID.make(), now.secondsSinceEpoch, kind, o.id,
                                          payload.json])
    }

    func json(_ o: Obligation) throws -> String { o.auditJSON }

    func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try Self.auditEncoder.encode(value), as: UTF8.self)
    }

    private static let auditEncoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
}

/// The calendars that decided a due day, stored with the obligation so an audit can name them and a
/// reload can tell which obligations a new calendar file affects.
func calendarsJSON(_ r: DueResult, calendar: WorkingCalendar) -> String {
    guard let d = r.deadline else { return "[]" }
    var parts: [String] = []
    for y in d.decidingDays.lowerBound.year...d.decidingDays.upperBound.year {
        guard let yc = calendar.year(y) else { continue }
        switch yc.source {
        case let .official(_, _, _, version): parts.append("\"\(calendar.region)/\(y) v\(version)\"")
        case .estimated: parts.append("\"\(calendar.region)/\(y) estimated\"")
        }
    }
    return "[" + parts.joined(separator: ",") + "]"
}
