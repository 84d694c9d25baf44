import DeadlineKit
import Foundation
import Logging
import Rules
import Store

/// Recomputes every open obligation after a reload, in batches of short transactions so the API
/// stays responsive.
struct Recomputation {
    let store: ObligationStore
    let logger: Logger

    /// The calendar years ("cn/2027") whose days or source differ between two configurations: only
    /// obligations decided by one of them can move.
    static func changedYears(from old: Rules.Configuration, to new: Rules.Configuration) -> [String] {
        var changed: [String] = []
        for (region, calendar) in new.calendars {
            for y in calendar.yearCalendars where old.calendars[region]?.year(y.year) != y {
                changed.append("\(region)/\(y.year)")
            }
        }
        return changed.sorted()
    }

    /// Rules that are new, or whose derivation (trigger, period, roll, effective date) changed, with
    /// what changed, for the audit: only their obligations are re-derived from the recorded facts.
    static func changedRules(from old: Rules.Configuration, to new: Rules.Configuration) -> [(rule: Rule, change: String)] {
        new.rules.compactMap { rule in
            guard let before = old.rule(rule.id) else { return (rule, "rule \(rule.id) added") }
            guard before.derivationKey != rule.derivationKey else { return nil }
            return (rule, "rule \(rule.id) changed: \(rule.derivationChange(from: before))")
        }
    }

    struct Result {
        var examined = 0, moved = 0, confirmed = 0
        /// Obligations of new or changed rules: opened from facts already recorded, and moved.
        var ruleOpened = 0, ruleMoved = 0
        var rulesChanged: [String] = []
    }

    func run(config: Rules.Configuration, previous: Rules.Configuration?, now: Instant) async throws -> Result {
        var total = Result()
        try await recomputeCalendars(config: config, previous: previous, now: now, into: &total)
        if let previous {
            try await rederive(Self.changedRules(from: previous, to: config), config: config, now: now, into: &total)
        }
        return total
    }

    private func recomputeCalendars(config: Rules.Configuration, previous: Rules.Configuration?, now: Instant, into total: inout Result) async throws {
        let years = previous.map { Self.changedYears(from: $0, to: config) }
        if let years, years.isEmpty {
            logger.notice("no calendar year changed; open obligations keep their due days")
            return
        }
        var after: Int64 = 0
        while true {
            let cursor = after
            let r = try await store.write { db in
                try Recorder(db: db, config: config, now: now, actor: "reload").recompute(afterId: cursor, years: years)
            }
            total.examined += r.examined
            total.moved += r.moved
            total.confirmed += r.confirmed
            if r.examined == 0 { break }
            after = r.lastId
        }
        logger.notice("recomputed open obligations", metadata: ["examined": "\(total.examined)", "moved": "\(total.moved)", "confirmed": "\(total.confirmed)"])
    }

    /// Re-derives the obligations of each new or changed rule from the metrics and events already
    /// recorded, one entity's metric or one batch of events per transaction.
    private func rederive(_ changed: [(rule: Rule, change: String)], config: Rules.Configuration, now: Instant, into total: inout Result) async throws {
        for (rule, change) in changed where rule.kind == .deadline {
            total.rulesChanged.append(rule.id)
            var opened = 0, moved = 0, skipped = 0
            switch rule.trigger {
            case .metric:
                let subjects = try await store.read { db in
                    try Recorder(db: db, config: config, now: now, actor: "reload").metricSubjects(of: [rule])
                }
                for subject in subjects {
                    let outcome = try await store.write { db in
                        try Recorder(db: db, config: config, now: now, actor: "reload")
                            .evaluateMetric(entityId: subject.entity, metric: subject.metric, only: [rule.id], because: change)
                    }
                    opened += outcome.opened.count
                    moved += outcome.moved.count
                }
            case .event:
                var after: Int64 = 0
                while true {
                    let cursor = after
                    let r = try await store.write { db in
                        try Recorder(db: db, config: config, now: now, actor: "reload").rederiveEvents(afterId: cursor, rules: [rule], because: change)
                    }
                    opened += r.outcome.opened.count
                    moved += r.outcome.moved.count
                    skipped += r.skipped
                    if r.examined == 0 { break }
                    after = r.lastId
                }
            }
            total.ruleOpened += opened
            total.ruleMoved += moved
            logger.notice("re-derived obligations of a changed rule", metadata: [
                "rule": "\(rule.id)", "change": "\(change)", "opened": "\(opened)", "moved": "\(moved)", "skipped": "\(skipped)"])
        }
    }
}
