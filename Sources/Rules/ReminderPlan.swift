import DeadlineKit

/// The reminder stages of one obligation in time order: the "before" stages, the due stage, then
/// overdue stages for as long as it stays open. Pure: the same inputs give the same instants.
///
/// Stage keys carry the due day they belong to (`before:-7d@2025-07-14`), so a deadline that moves
/// gets fresh reminders while the ledger still refuses a second reminder for the same stage.
package struct ReminderPlan: Sendable {
    package struct Stage: Sendable, Hashable {
        package var index: Int
        package var name: String
        package var fireAt: Instant
        /// The ledger key: name and due day.
        package var key: String
    }

    package let policy: ReminderPolicy
    package let due: CivilDate
    package let dueInstant: Instant
    /// Hour/minute/second deadlines: stages are offsets from the instant, not times of day.
    package let instantDeadline: Bool
    package let zone: Zone
    private let before: [(name: String, at: Instant)]
    private let dueAt: Instant

    package static let defaultTimeOfDay = 9 * 60

    package init(policy: ReminderPolicy, due: CivilDate, dueInstant: Instant, instantDeadline: Bool, zone: Zone) {
        self.policy = policy
        self.due = due
        self.dueInstant = dueInstant
        self.instantDeadline = instantDeadline
        self.zone = zone
        let minutes = policy.dueDayAtMinutes ?? Self.defaultTimeOfDay
        let dueAt = instantDeadline ? dueInstant : zone.instant(due, minutesAfterMidnight: minutes)
        self.dueAt = dueAt
        var list: [(String, Instant)] = []
        for p in policy.before {
            let at: Instant
            if let s = p.seconds {
                at = dueInstant.adding(seconds: s)
            } else if instantDeadline {
                at = dueInstant.adding(seconds: Int64(Self.days(p)) * 86_400)
            } else {
                let day: CivilDate
                switch p.unit {
                case .months: day = due.adding(months: p.amount)
                case .years: day = due.adding(years: p.amount)
                default: day = due.adding(days: Self.days(p))
                }
                at = zone.instant(day, minutesAfterMidnight: minutes)
            }
            if at < dueAt { list.append(("before:\(p)", at)) }
        }
        before = list.sorted { $0.1 < $1.1 }
    }

    private static func days(_ p: Period) -> Int { p.unit == .days ? p.amount : p.amount * 30 }

    /// The stage at `index`, or nil past the last one (no overdue stages configured).
    package func stage(_ index: Int) -> Stage? {
        guard index >= 0 else { return nil }
        if index < before.count { return make(index, before[index].name, before[index].at) }
        if index == before.count { return make(index, "due", dueAt) }
        guard let every = policy.overdueEvery else { return nil }
        let n = index - before.count
        let at: Instant
        if let s = every.seconds, let backoff = backoff(s) {
            let offset = backoff.offset(n)
            // Keyed by the offset, not the index: the ledger of a fixed cadence (before this backoff)
            // never matches, so an upgrade does not swallow the reminders after it.
            return Stage(
                index: index, name: "overdue:\(n)", fireAt: dueInstant.adding(seconds: offset),
                key: "overdue:+\(offset)s@\(instantDeadline ? dueInstant.description : due.description)")
        } else if let s = every.seconds {
            at = dueInstant.adding(seconds: s * Int64(n))
        } else if instantDeadline {
            at = dueInstant.adding(seconds: Int64(Self.days(every)) * 86_400 * Int64(n))
        } else {
            let day = every.unit == .months ? due.adding(months: every.amount * n) : due.adding(days: Self.days(every) * n)
            at = zone.instant(day, minutesAfterMidnight: policy.dueDayAtMinutes ?? Self.defaultTimeOfDay)
        }
        return make(index, "overdue:\(n)", at)
    }

    /// The backoff of an overdue repeat of `step` seconds, when the policy has one.
    private func backoff(_ step: Int64) -> OverdueBackoff? {
        policy.overdueBackoff && step > 0 && step < 86_400 ? OverdueBackoff(step: step) : nil
    }

    private func make(_ i: Int, _ name: String, _ at: Instant) -> Stage {
        Stage(index: i, name: name, fireAt: at, key: "\(name)@\(instantDeadline ? dueInstant.description : due.description)")
    }

    /// The first stage that fires strictly after `t`.
    package func firstStage(after t: Instant) -> Stage? {
        var i = 0
        // Overdue stages are evenly spaced (or back off by a known rule), so jump close to `t` instead
        // of walking day by day.
        if let every = policy.overdueEvery, let dueStage = stage(before.count), t > dueStage.fireAt {
            let elapsed = t.secondsSinceEpoch - dueInstant.secondsSinceEpoch
            if let s = every.seconds, let backoff = backoff(s) {
                i = before.count + max(0, backoff.index(atOrBefore: elapsed) - 1)
            } else {
                let step = every.seconds ?? Int64(Self.days(every)) * 86_400
                i = before.count + max(0, Int(elapsed / max(step, 1)) - 2)
            }
        }
        while let s = stage(i) {
            if s.fireAt > t { return s }
            i += 1
        }
        return nil
    }

    /// Of the stages from `index` on, the last one that fires at or before `t` (the one to send after
    /// downtime: older missed stages collapse into it).
    package func latestStage(from index: Int, atOrBefore t: Instant) -> Stage? {
        guard let first = stage(index), first.fireAt <= t else { return nil }
        guard let next = firstStage(after: t) else {
            // No stage after t: the last stage is the latest.
            var i = index
            while stage(i + 1) != nil { i += 1 }
            return stage(i)
        }
        return stage(max(index, next.index - 1))
    }
}

/// Overdue stages that back off: every `step` for the first hour, then hourly (or every `step` if
/// longer) until a day has passed, then daily. Offsets are seconds after the due instant.
struct OverdueBackoff: Sendable {
    let step: Int64
    /// Stages in the first hour, and where they end.
    let firstCount: Int64, firstEnd: Int64
    /// The stride to the end of the first day, the stages in that stretch, and where they end.
    let stride: Int64, secondCount: Int64, secondEnd: Int64

    init(step: Int64) {
        self.step = step
        firstCount = step < 3600 ? (3600 + step - 1) / step : 0
        firstEnd = step * firstCount
        stride = max(step, 3600)
        secondCount = max(0, (86_400 - firstEnd + stride - 1) / stride)
        secondEnd = firstEnd + stride * secondCount
    }

    /// Seconds after the due instant of overdue stage `n` (1-based).
    func offset(_ n: Int) -> Int64 {
        let n = Int64(n)
        if n <= firstCount { return step * n }
        if n <= firstCount + secondCount { return firstEnd + stride * (n - firstCount) }
        return secondEnd + 86_400 * (n - firstCount - secondCount)
    }

    /// The last stage at or before `elapsed` seconds after the due instant (0: none yet).
    func index(atOrBefore elapsed: Int64) -> Int {
        if elapsed < step { return 0 }
        if elapsed <= firstEnd { return Int(elapsed / step) }
        if elapsed <= secondEnd { return Int(firstCount + (elapsed - firstEnd) / stride) }
        return Int(firstCount + secondCount + (elapsed - secondEnd) / 86_400)
    }
}
