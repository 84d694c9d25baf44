import DeadlineKit
import Foundation
import Logging
import Rules
import Store
import Synchronization

/// Brings the stored obligations in line with the configuration in force, at start and on every
/// reload: obligations decided by a calendar year that changed are recomputed, and new or changed
/// rules are re-applied to the facts already recorded. "Changed" is measured against fingerprints
/// stored with the obligations, so a change made while obligd was stopped is caught at start. The
/// work runs in batches of short transactions so the API stays responsive; the fingerprints are saved
/// only when all of it succeeded, so an interrupted pass is redone.
package struct Recomputation: Sendable {
    let store: ObligationStore
    let logger: Logger
    /// Told how far a pass got, at most once a second: under systemd it keeps a long pass at start or on
    /// reload from being killed as hung (EXTEND_TIMEOUT_USEC) and shows in `systemctl status`.
    let progress: @Sendable (String) -> Void
    private let throttle = Throttle()

    /// A pass over `store`; `progress` gets at most one line a second (the daemon extends systemd's timeout with it).
    package init(store: ObligationStore, logger: Logger, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.store = store
        self.logger = logger
        self.progress = progress
    }

    private func report(_ text: @autoclosure () -> String) {
        if throttle.due() { progress(text()) }
    }

    /// A fingerprint per calendar year (`calendar:cn/2027`: source, version and holiday runs) and per
    /// rule (`rule:<id>`: what decides its due dates).
    package static func fingerprints(of config: Rules.Configuration) -> [String: String] {
        var f: [String: String] = [:]
        for (region, calendar) in config.calendars {
            for y in calendar.yearCalendars { f["calendar:\(region)/\(y.year)"] = "\(y.sourceDescription) | \(y.holidays)" }
        }
        for rule in config.rules { f["rule:\(rule.id)"] = rule.derivationKey }
        f["reminders"] = reminderKey(of: config)
        return f
    }

    /// What decides when reminders fire, apart from due days and calendars: every rule's stages, the
    /// pack defaults and obligd.json's overrides, and the plan's own version (2: stages leave rest
    /// days), so an upgrade to a new plan re-arms what the old one armed.
    static func reminderKey(of config: Rules.Configuration) -> String {
        var parts = ["plan 2"]
        parts += config.packs.map { "pack \($0.name): \($0.defaultReminders)" }
        parts += config.rules.map { "rule \($0.id): \($0.reminders)" }
        parts += config.reminders.rules.sorted { $0.key < $1.key }.map { "rules.\($0.key): \($0.value)" }
        parts += config.reminders.entities.sorted { $0.key < $1.key }.map { "entities.\($0.key): \($0.value)" }
        return parts.joined(separator: "\n")
    }

    /// What one pass did, for the log line and `POST /v1/reload`'s answer.
    package struct Result: Sendable {
        /// Obligations recomputed because a calendar year that decided them changed; of those, moved
        /// to another day, and confirmed (no longer provisional on the same day).
        package var examined = 0, moved = 0, confirmed = 0
        /// Obligations of new or changed rules: opened from facts already recorded, and moved.
        package var ruleOpened = 0, ruleMoved = 0
        /// Ids of the rules found new or changed since the fingerprints were last saved.
        package var rulesChanged: [String] = []
        /// Open obligations of changed or removed rules that the facts no longer give: flagged, left open.
        package var underived = 0
    }

    /// `previous`, when known (a reload), only makes the audit notes more precise ("period +2mo -> +3mo").
    /// The pass runs with the writer's larger page cache (`ObligationStore.withBulkCache`).
    package func run(config: Rules.Configuration, previous: Rules.Configuration?, now: Instant, actor: String) async throws -> Result {
        try await store.withBulkCache { try await pass(config: config, previous: previous, now: now, actor: actor) }
    }

    private func pass(config: Rules.Configuration, previous: Rules.Configuration?, now: Instant, actor: String) async throws -> Result {
        var total = Result()
        let stored = try await store.snapshot(config: config, now: now) { r in try r.derivationFingerprints() }
        let current = Self.fingerprints(of: config)
        guard !stored.isEmpty else {
            // A new database (or one from before fingerprints): it was derived under this configuration.
            try await store.transaction(config: config, now: now, actor: actor) { r in try r.replaceDerivationFingerprints(current) }
            return total
        }
        let years = current.keys.filter { $0.hasPrefix("calendar:") && stored[$0] != current[$0] }
            .map { String($0.dropFirst("calendar:".count)) }.sorted()
        if years.isEmpty {
            logger.notice("no calendar year changed; open obligations keep their due days")
        } else {
            progress("recomputing obligations decided by \(years.joined(separator: " "))")
            try await recomputeCalendars(config: config, years: years, now: now, actor: actor, into: &total)
        }
        let rules: [(rule: Rule, change: String)] = config.rules.compactMap { rule in
            guard let old = stored["rule:\(rule.id)"] else { return (rule, "rule \(rule.id) added") }
            guard old != rule.derivationKey else { return nil }
            if let before = previous?.rule(rule.id), before.derivationKey == old {
                return (rule, "rule \(rule.id) changed: \(rule.derivationChange(from: before))")
            }
            return (rule, "rule \(rule.id) changed while obligd was stopped")
        }
        if !rules.isEmpty {
            // Before the first batch, which may take seconds: systemd hears of the pass (and extends its
            // timeout) at once, not only after that batch commits.
            progress("re-deriving \(rules.count) new or changed rule(s): \(rules.map(\.rule.id).joined(separator: ", "))")
        }
        try await rederive(rules, config: config, now: now, actor: actor, into: &total)
        let removed = stored.keys.filter { $0.hasPrefix("rule:") && current[$0] == nil }.map { String($0.dropFirst("rule:".count)) }
            .sorted()
        for id in removed {
            try await flagUnderived(
                ruleId: id, because: "rule \(id) removed from the configuration", config: config, now: now, actor: actor,
                into: &total)
        }
        if stored["reminders"] != current["reminders"] {
            try await rearm(config: config, now: now, actor: actor, armedWithin: nil)
        } else if let span = Self.stagesDecidedBy(years) {
            try await rearm(config: config, now: now, actor: actor, armedWithin: span)
        }
        if stored != current {
            try await store.transaction(config: config, now: now, actor: actor) { r in try r.replaceDerivationFingerprints(current) }
        }
        try await endYearlySpans(config: config, now: now, actor: actor)
        return total
    }

    private func recomputeCalendars(
        config: Rules.Configuration, years: [String], now: Instant, actor: String, into total: inout Result
    ) async throws {
        try await batches(config: config, now: now, actor: actor) { r, after, limit in
            let result = try r.recompute(afterId: after, limit: limit, years: years)
            return (result.lastId, result.examined, result)
        } each: { r in
            total.examined += r.examined
            total.moved += r.moved
            total.confirmed += r.confirmed
            report("recomputing obligations decided by \(years.joined(separator: " ")): \(total.examined) examined, \(total.moved) moved")
        }
        logger.notice(
            "recomputed open obligations",
            metadata: [
                "years": "\(years.joined(separator: " "))", "examined": "\(total.examined)",
                "moved": "\(total.moved)", "confirmed": "\(total.confirmed)"
            ])
    }

    /// The instants (epoch seconds) whose reminder stages the calendar years `years` (`cn/2027`) can
    /// move: the years themselves and 60 days on either side, as far as `-20wd` or an overdue repeat
    /// in working days reaches across a year's end. Nil for no years.
    static func stagesDecidedBy(_ years: [String]) -> ClosedRange<Int64>? {
        let numbers = years.compactMap { $0.split(separator: "/").last.flatMap { Int($0) } }
        guard let first = numbers.min(), let last = numbers.max(),
            let start = CivilDate(year: first, month: 1, day: 1), let end = CivilDate(year: last, month: 12, day: 31)
        else { return nil }
        let day: Int64 = 86_400
        return (Int64(start.dayNumber) - 61) * day...(Int64(end.dayNumber) + 61) * day
    }

    /// Points open obligations at their next stage under the new plan (see `Recorder.rearmReminders`):
    /// all of them, or those armed within `armedWithin`.
    private func rearm(config: Rules.Configuration, now: Instant, actor: String, armedWithin: ClosedRange<Int64>?) async throws {
        progress("re-arming reminders of open obligations under the new reminder plan")
        var rearmed = 0
        try await batches(config: config, now: now, actor: actor) { r, after, limit in
            let batch = try r.rearmReminders(afterId: after, limit: limit, armedWithin: armedWithin)
            return (batch.lastId, batch.examined, batch.rearmed)
        } each: { n in
            rearmed += n
        }
        logger.notice("re-armed reminders", metadata: ["rearmed": "\(rearmed)"])
    }

    /// Re-derives the obligations of each new or changed rule from the metrics and events already
    /// recorded, one entity's metric or one batch of events per transaction.
    private func rederive(
        _ changed: [(rule: Rule, change: String)], config: Rules.Configuration, now: Instant, actor: String, into total: inout Result
    ) async throws {
        for (rule, change) in changed {
            if rule.kind == .classification {
                try await reclassify(rule, change: change, config: config, now: now, actor: actor)
            }
            guard rule.kind == .deadline else {
                // A rule that no longer sets deadlines gives none of the obligations it opened.
                try await flagUnderived(ruleId: rule.id, because: change, config: config, now: now, actor: actor, into: &total)
                continue
            }
            total.rulesChanged.append(rule.id)
            var opened = 0, moved = 0, skipped = 0
            var derived = DerivedKeys(), undecided = Set<String>()
            switch rule.trigger {
            case .metric:
                let subjects = try await store.snapshot(config: config, now: now) { r in try r.metricSubjects(of: [rule]) }
                // 500 entities per transaction, each in a savepoint: one whose history cannot be derived
                // under the new rule is rolled back, counted and logged, and the others still are.
                for start in stride(from: 0, to: subjects.count, by: 500) {
                    let batch = Array(subjects[start..<min(start + 500, subjects.count)])
                    let r = try await store.transaction(config: config, now: now, actor: actor) { r in
                        try r.rederiveMetrics(batch, rule: rule, because: change)
                    }
                    opened += r.outcome.opened.count
                    moved += r.outcome.moved.count
                    derived.formUnion(r.outcome.derived)
                    skipped += r.failed.count
                    report("re-deriving rule \(rule.id): \(min(start + 500, subjects.count)) of \(subjects.count) entities, \(moved) moved")
                    for failure in r.failed {
                        undecided.insert(failure.entity)
                        logger.warning("rule \(rule.id): \(failure.why) not re-derived")
                    }
                }
            case .event:
                try await batches(config: config, now: now, actor: actor) { r, after, limit in
                    let result = try r.rederiveEvents(afterId: after, limit: limit, rules: [rule], because: change)
                    return (result.lastId, result.examined, result)
                } each: { r in
                    opened += r.outcome.opened.count
                    moved += r.outcome.moved.count
                    derived.formUnion(r.outcome.derived)
                    skipped += r.skipped
                    report("re-deriving rule \(rule.id): events up to #\(r.lastId), \(opened) opened, \(moved) moved")
                }
            }
            // Follow-ups of a recurring rule, after the obligations they follow.
            try await batches(config: config, now: now, actor: actor) { r, after, limit in
                let result = try r.rederiveRecurrences(afterId: after, limit: limit, rule: rule, because: change)
                return (result.lastId, result.examined, result)
            } each: { r in
                moved += r.outcome.moved.count
                derived.formUnion(r.outcome.derived)
            }
            total.ruleOpened += opened
            total.ruleMoved += moved
            logger.notice(
                "re-derived obligations of a changed rule",
                metadata: [
                    "rule": "\(rule.id)", "change": "\(change)", "opened": "\(opened)", "moved": "\(moved)", "skipped": "\(skipped)"
                ])
            // An entity whose history could not be derived under the new rule keeps its obligations as they are.
            try await flagUnderived(
                ruleId: rule.id, keep: derived, keepEntities: undecided, because: change,
                config: config, now: now, actor: actor, into: &total)
        }
    }

    /// Re-derives the classifications a changed classification rule gives, 500 entities per
    /// transaction: an entity that now meets (or no longer meets) its thresholds begins (or ends) it,
    /// audited, as a report would have done.
    private func reclassify(_ rule: Rule, change: String, config: Rules.Configuration, now: Instant, actor: String) async throws {
        let subjects = try await store.snapshot(config: config, now: now) { r in try r.metricSubjects(of: [rule]) }
        var changed = 0
        for start in stride(from: 0, to: subjects.count, by: 500) {
            let batch = Array(subjects[start..<min(start + 500, subjects.count)])
            let outcome = try await store.transaction(config: config, now: now, actor: actor) { r in try r.reclassify(batch) }
            changed += outcome.classifications.count
            report("re-deriving classification \(rule.id): \(min(start + 500, subjects.count)) of \(subjects.count) entities")
        }
        logger.notice(
            "re-derived classifications of a changed rule", metadata: ["rule": "\(rule.id)", "change": "\(change)", "changed": "\(changed)"]
        )
    }

    /// Ends the classifications of year-to-date metrics still holding from a year that has ended
    /// (`ObligationStore.endYearToDateSpans`), on every start and reload: obligd may have been down
    /// over New Year.
    private func endYearlySpans(config: Rules.Configuration, now: Instant, actor: String) async throws {
        let ended = try await store.endYearToDateSpans(config: config, now: now, actor: actor)
        guard ended > 0 else { return }
        progress("ended \(ended) year-to-date classification(s) of a year that has ended")
        logger.notice("ended year-to-date classifications of a past year", metadata: ["subjects": "\(ended)"])
    }

    /// Flags, in batches, the open obligations of `ruleId` outside `keep` (see `Recorder.flagUnderived`).
    private func flagUnderived(
        ruleId: String, keep: DerivedKeys = DerivedKeys(), keepEntities: Set<String> = [], because: String,
        config: Rules.Configuration, now: Instant, actor: String, into total: inout Result
    ) async throws {
        var flagged = 0
        try await batches(config: config, now: now, actor: actor) { r, after, limit in
            let result = try r.flagUnderived(
                ruleId: ruleId, keep: { keep.contains($0) || keepEntities.contains($0.entity) },
                because: because, afterId: after, limit: limit)
            return (result.lastId, result.examined, result)
        } each: { r in
            flagged += r.flagged.count
            report("checking obligations of rule \(ruleId) still given by the facts: up to #\(r.lastId), \(flagged) no longer")
        }
        total.underived += flagged
        if flagged > 0 {
            logger.warning(
                "open obligations no longer given by the facts; left open for a person to close",
                metadata: [
                    "rule": "\(ruleId)", "why": "\(because)", "obligations": "\(flagged)"
                ])
        }
    }
}

extension Recomputation {
    /// The one batching loop of every pass: `step` runs in its own transaction from the id cursor with
    /// a row limit and returns the last id it examined, how many it examined and its result; `each`
    /// sees each result. It stops at the first step that examines nothing.
    ///
    /// The limit adapts: it starts at 100 rows and doubles while a batch commits in under a quarter
    /// of a second (up to 50,000, which bounds the memory a batch holds); a batch that took over a
    /// second sets it to what half a second takes at that batch's pace. Other writers (reports,
    /// reminders, and on PostgreSQL every node's) wait about a second at most, the first batch
    /// included: a PostgreSQL move costs a few round trips, ten times a SQLite one, and a first batch
    /// of 1,000 held the cluster's write lock for seconds. A pass over a million rows still commits a
    /// few dozen times instead of hundreds, and every commit rewrites the index pages its rows
    /// touched, which on a large table are nearly all of them whatever the batch size.
    func batches<R: Sendable>(
        config: Rules.Configuration, now: Instant, actor: String,
        _ step: @Sendable @escaping (Recorder, Int64, Int) throws -> (lastId: Int64, examined: Int, result: R),
        each: (R) throws -> Void
    ) async throws {
        var after: Int64 = 0
        var limit = 100
        while true {
            let cursor = after, rows = limit
            // Timed inside the transaction: the wait for the writer (and on PostgreSQL for the
            // cluster's write lock) behind other writes says nothing about the batch's own pace.
            let (batch, took) = try await store.transaction(config: config, now: now, actor: actor) { r in
                let started = ContinuousClock.now
                let batch = try step(r, cursor, rows)
                return (batch, ContinuousClock.now - started)
            }
            try each(batch.result)
            if batch.examined == 0 { return }
            after = batch.lastId
            if took < .milliseconds(250) {
                limit = min(limit * 2, 50_000)
            } else if took > .seconds(1) {
                let seconds = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
                limit = max(50, Int(Double(batch.examined) * 0.5 / seconds))
            }
        }
    }
}

/// True at most once a second.
private final class Throttle: Sendable {
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    func due() -> Bool {
        let now = ContinuousClock.now
        return last.withLock { last in
            if let l = last, now - l < .seconds(1) { return false }
            last = now
            return true
        }
    }
}
