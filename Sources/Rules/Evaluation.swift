import DeadlineKit

/// One reported value of a metric (a gauge: the count at that moment).
package struct Observation: Sendable, Hashable {
    /// The metric's count at that moment.
    package var value: Int64
    /// When the value held (not when it was reported).
    package var at: Instant
    /// Report order, to break ties between observations at the same instant (the later report wins).
    package var sequence: Int64

    /// An observation; Store gives its row id as `sequence`.
    package init(value: Int64, at: Instant, sequence: Int64) {
        self.value = value
        self.at = at
        self.sequence = sequence
    }
}

/// Pure evaluation of facts against rules: no clock, no storage.
package enum Evaluation {
    /// The instants at which the metric started meeting all `conditions`, in time order, derived from
    /// the whole history so that late and out-of-order reports give the right dates. Without
    /// `reopenOnRecross` only the first crossing counts: the clock starts once.
    package static func crossings(of history: [Observation], conditions: [Rule.Condition], reopenOnRecross: Bool) -> [Instant] {
        let ordered = history.sorted { ($0.at, $0.sequence) < ($1.at, $1.sequence) }
        var result: [Instant] = []
        var above = false
        for o in ordered {
            let holds = conditions.allSatisfy { $0.holds(o.value) }
            if holds && !above {
                result.append(o.at)
                if !reopenOnRecross { return result }
            }
            above = holds
        }
        return result
    }

    /// The spans during which the metric met all `conditions`: each from the report that began
    /// meeting them to the report that stopped (nil while it still holds), from the whole history.
    /// A classification (large platform, certification scope) holds exactly over these spans.
    /// Reports of one instant count as their last (a gauge has one value at a time), so no span
    /// begins and ends at the same instant.
    package static func spans(of history: [Observation], conditions: [Rule.Condition]) -> [(from: Instant, until: Instant?)] {
        let ordered = history.sorted { ($0.at, $0.sequence) < ($1.at, $1.sequence) }
        var lastOfInstant: [Observation] = []
        for o in ordered {
            if let last = lastOfInstant.last, last.at == o.at {
                lastOfInstant[lastOfInstant.count - 1] = o
            } else {
                lastOfInstant.append(o)
            }
        }
        var result: [(from: Instant, until: Instant?)] = []
        var holding = false
        for o in lastOfInstant {
            let holds = conditions.allSatisfy { $0.holds(o.value) }
            if holds && !holding { result.append((o.at, nil)) }
            if !holds && holding { result[result.count - 1].until = o.at }
            holding = holds
        }
        return result
    }

    /// The spans of a classification from the instant its rule took effect (`from`: the start of the
    /// effective day in the entity's zone): a span that ended before then is dropped, and one that
    /// held across it begins then. The PI export certification route (effective 2026-01-01) does
    /// not classify an entity in 2025 however much it exported.
    package static func spans(
        _ spans: [(from: Instant, until: Instant?)], effectiveFrom from: Instant?
    ) -> [(from: Instant, until: Instant?)] {
        guard let from else { return spans }
        return spans.compactMap { span in
            if let until = span.until, until <= from { return nil }
            return (max(span.from, from), span.until)
        }
    }

    /// A year-to-date metric's history split by the year of each report in `zone`, oldest year first,
    /// with the instant each year ends (1 January of the next, 00:00 in `zone`). A count "since 1
    /// January" (自当年1月1日起) starts from zero each year, so no report compares with last year's.
    package static func years(of history: [Observation], zone: Zone) -> [(reports: [Observation], end: Instant)] {
        var byYear: [Int: [Observation]] = [:]
        for o in history { byYear[zone.day(of: o.at).year, default: []].append(o) }
        return byYear.keys.sorted().map { year in
            (byYear[year]!, zone.instant(CivilDate(year: year + 1, month: 1, day: 1)!))
        }
    }

    /// The crossings of a metric that starts from zero each year (`MetricReset.yearly`): within each
    /// year of `zone`, as `crossings(of:conditions:reopenOnRecross:)` gives them; without
    /// `reopenOnRecross` the first of each year counts, since each year is counted anew.
    package static func yearlyCrossings(
        of history: [Observation], conditions: [Rule.Condition], reopenOnRecross: Bool, zone: Zone
    ) -> [Instant] {
        years(of: history, zone: zone).flatMap { crossings(of: $0.reports, conditions: conditions, reopenOnRecross: reopenOnRecross) }
    }

    /// The spans of a classification on a metric that starts from zero each year: within each year of
    /// `zone`, a span still holding at the year's end ends then, once `now` has reached it, unless a
    /// report of the new year at its very first instant meets the conditions again (the span goes
    /// on). Last year's count never carries a classification into the new year.
    package static func yearlySpans(
        of history: [Observation], conditions: [Rule.Condition], zone: Zone, now: Instant
    ) -> [(from: Instant, until: Instant?)] {
        var result: [(from: Instant, until: Instant?)] = []
        for year in years(of: history, zone: zone) {
            for var span in spans(of: year.reports, conditions: conditions) {
                if span.until == nil, year.end <= now { span.until = year.end }
                if let last = result.last, last.until == span.from {
                    result[result.count - 1].until = span.until
                } else {
                    result.append(span)
                }
            }
        }
        return result
    }

    /// What an event's attributes say about a rule's event conditions.
    package enum EventConditionResult: Sendable, Equatable {
        case met
        /// A stated attribute does not meet its condition (a general incident): the rule gives nothing.
        case notMet(String)
        /// The event does not state these attributes (or states a value the scale no longer has): the
        /// obligation opens, flagged, since the duty may well apply.
        case notStated([String])
    }

    /// Checks `conditions` against an event's `attributes`: one stated and not met decides `notMet`;
    /// otherwise any not stated gives `notStated`.
    package static func check(_ conditions: [Rule.EventCondition], attributes: [String: String]) -> EventConditionResult {
        var missing: [String] = []
        for c in conditions {
            guard let text = attributes[c.attribute], let level = try? c.scale.level(parsing: text) else {
                missing.append(c.attribute)
                continue
            }
            if level < c.atLeast { return .notMet("\(c.attribute) \(level) is below \(c.atLeast)") }
        }
        return missing.isEmpty ? .met : .notStated(missing)
    }

    /// Checks a rule's entity conditions against the entity's `attributes` (`true`/`false`): one stated
    /// and not met decides `notMet`; otherwise any not stated gives `notStated` (opened, flagged).
    package static func check(_ conditions: [Rule.EntityCondition], entity attributes: [String: String]) -> EventConditionResult {
        var missing: [String] = []
        for c in conditions {
            guard let text = attributes[c.attribute], let value = Bool(text) else {
                missing.append(c.attribute)
                continue
            }
            if value != c.value { return .notMet("entity \(c.attribute) is \(value), not \(c.value)") }
        }
        return missing.isEmpty ? .met : .notStated(missing)
    }

    /// The day a rule's clock starts: the trigger day, or the rule's effective date if that is later
    /// (a threshold reached before a rule took effect starts the clock on the effective date).
    package static func clockStart(trigger: CivilDate, rule: Rule) -> CivilDate {
        if let e = rule.effective, e > trigger { return e }
        return trigger
    }
}
