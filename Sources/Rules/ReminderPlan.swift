import DeadlineKit

/// The reminder stages of one obligation in time order: the "before" stages, the due stage, then
/// overdue stages for as long as it stays open. Pure: the same inputs give the same instants.
///
/// Stage keys carry the due day they belong to (`before:-7d@2025-07-14`), so a deadline that moves
/// gets fresh reminders while the ledger still refuses a second reminder for the same stage.
///
/// A deadline counted in days keeps the working-day calendar it was counted with (`RestDays.move`, the
/// default): a before-stage that falls on a rest day fires on the last working day before it, an
/// overdue repeat on a rest day waits for the next working day, and stages that then meet are sent
/// once (the stage nearest the deadline is kept; the others are listed as merged into it). The due
/// stage stays on the due day. Deadlines of hours and minutes keep their exact offsets on any day.
package struct ReminderPlan: Sendable {
    /// One stage of the plan, placed in time.
    package struct Stage: Sendable, Hashable {
        /// The stage's place in the plan: the scheduler's cursor (`nextStageIndex`).
        package var index: Int
        /// Which stage it is (`before:-7d`, `due`, `overdue:3`).
        package var stage: ReminderStage
        /// When it fires, after any move off a rest day.
        package var fireAt: Instant
        /// The ledger key: name and due day.
        package var key: String
        /// The day the stage would have fallen on, when a rest day moved it.
        package var movedFrom: CivilDate?
        /// Stages that fell on the same instant once moved and are sent as this one.
        package var merged: [ReminderStage] = []
        /// The stage as the ledger and the outbox write it (`before:-7d`).
        package var name: String { stage.description }
    }

    /// The reminder policy in force for the obligation (override, rule or pack default).
    package let policy: ReminderPolicy
    /// The due day in the entity's zone.
    package let due: CivilDate
    /// The instant the obligation ends; instant deadlines count their stages from it.
    package let dueInstant: Instant
    /// Hour/minute/second deadlines: stages are offsets from the instant, not times of day.
    package let instantDeadline: Bool
    /// The entity's zone, in which stage times of day are read.
    package let zone: Zone
    /// The entity's working-day calendar, which `-Nwd` and `+Nwd` count in; nil: every day is one.
    package let calendar: WorkingCalendar?
    /// Whether stages move off rest days (`RestDays.move`, for a day deadline with a calendar).
    package let movesOffRestDays: Bool
    private let before: [Stage]
    private let dueAt: Instant
    private let minutes: Int

    /// 09:00, as minutes after midnight: when day stages fire unless the policy gives `dueDayAt`.
    package static let defaultTimeOfDay = 9 * 60

    /// The plan of one obligation; pass the entity's `calendar` so working-day stages count its working days and move
    /// off rest days.
    package init(
        policy: ReminderPolicy, due: CivilDate, dueInstant: Instant, instantDeadline: Bool, zone: Zone,
        calendar: WorkingCalendar? = nil
    ) {
        self.policy = policy
        self.due = due
        self.dueInstant = dueInstant
        self.instantDeadline = instantDeadline
        self.zone = zone
        self.calendar = calendar
        self.movesOffRestDays = !instantDeadline && policy.restDays == .move && calendar != nil
        let minutes = policy.dueDayAtMinutes ?? Self.defaultTimeOfDay
        self.minutes = minutes
        let dueAt = instantDeadline ? dueInstant : zone.instant(due, minutesAfterMidnight: minutes)
        self.dueAt = dueAt
        let days = RestDayCalendar(calendar: calendar, moves: movesOffRestDays)
        var list: [Stage] = []
        for p in policy.before {
            var moved: CivilDate?
            let at: Instant
            if let s = p.seconds {
                at = dueInstant.adding(seconds: s)
            } else if instantDeadline {
                at = dueInstant.adding(seconds: Int64(Self.days(p)) * 86_400)
            } else {
                let nominal: CivilDate
                switch p.unit {
                case .months: nominal = due.adding(months: p.amount)
                case .years: nominal = due.adding(years: p.amount)
                case .workingDays: nominal = days.adding(workingDays: p.amount, to: due)
                default: nominal = due.adding(days: p.amount)
                }
                let day = days.lastWorkingDay(onOrBefore: nominal)
                if day != nominal { moved = nominal }
                at = zone.instant(day, minutesAfterMidnight: minutes)
            }
            let key = "before:\(p)@\(instantDeadline ? dueInstant.description : due.description)"
            if at < dueAt { list.append(Stage(index: 0, stage: .before(p), fireAt: at, key: key, movedFrom: moved)) }
        }
        // Soonest first; of stages that meet, the one nearest the deadline (listed last by its offset) stays.
        list.sort { a, b in a.fireAt != b.fireAt ? a.fireAt < b.fireAt : Self.reach(a.stage) > Self.reach(b.stage) }
        var kept: [Stage] = []
        for s in list {
            if var last = kept.last, last.fireAt == s.fireAt {
                var s = s
                s.merged = last.merged + [last.stage]
                if s.movedFrom == nil { s.movedFrom = last.movedFrom }
                last = s
                kept[kept.count - 1] = last
            } else {
                kept.append(s)
            }
        }
        before = kept.enumerated().map { i, s in
            var s = s
            s.index = i
            return s
        }
    }

    /// How far ahead of the deadline a before-stage reaches, in seconds (months and years as 31 and
    /// 366 days): which of two stages that meet is nearer the deadline.
    private static func reach(_ s: ReminderStage) -> Int64 {
        guard case let .before(p) = s else { return 0 }
        if let seconds = p.seconds { return -seconds }
        let perUnit: Int64 =
            switch p.unit {
            case .months: 31
            case .years: 366
            case .workingDays: 1
            default: 1
            }
        return -Int64(p.amount) * perUnit * 86_400
    }

    private static func days(_ p: Period) -> Int {
        switch p.unit {
        case .days, .workingDays: p.amount
        case .years: p.amount * 365
        default: p.amount * 30
        }
    }

    /// The stage at `index`, or nil past the last one (no overdue stages configured). An overdue repeat
    /// that a rest day merged into a later one answers as that later one (its `index` says which).
    package func stage(_ index: Int) -> Stage? {
        guard index >= 0 else { return nil }
        if index < before.count { return before[index] }
        if index == before.count { return make(index, .due, dueAt) }
        guard let every = policy.overdueEvery else { return nil }
        let n = index - before.count
        if let s = every.seconds, let backoff = backoff(s) {
            let offset = backoff.offset(n)
            // Keyed by the offset, not the index: the ledger of a fixed cadence (before this backoff)
            // never matches, so an upgrade does not swallow the reminders after it.
            return Stage(
                index: index, stage: .overdue(n), fireAt: dueInstant.adding(seconds: offset),
                key: "overdue:+\(offset)s@\(instantDeadline ? dueInstant.description : due.description)")
        } else if let s = every.seconds {
            return make(index, .overdue(n), dueInstant.adding(seconds: s * Int64(n)))
        } else if instantDeadline {
            return make(index, .overdue(n), dueInstant.adding(seconds: Int64(Self.days(every)) * 86_400 * Int64(n)))
        }
        // A day cadence: the repeat waits for a working day; repeats that then meet are sent once, as
        // the last of them (`overdue:3` on the Monday after a deadline on Friday).
        var m = n
        var day = overdueDay(m, every)
        while true {
            let next = overdueDay(m + 1, every)
            if next.fire != day.fire { break }
            m += 1
            day = next
        }
        // The repeats merged into `m`: from the first that fires on its day (the same answer whichever
        // of them was asked for).
        var first = n
        while first > 1, overdueDay(first - 1, every).fire == day.fire { first -= 1 }
        let merged = (first..<m).map { ReminderStage.overdue($0) }
        var s = make(before.count + m, .overdue(m), zone.instant(day.fire, minutesAfterMidnight: minutes))
        s.movedFrom = day.fire != day.nominal ? day.nominal : nil
        s.merged = merged
        if every.unit == .workingDays {
            // Keyed by working days, not the index: `overdue:3` of a daily cadence (the third calendar
            // day) in a ledger from before working-day cadences must not swallow the third working day.
            s.key = "overdue:+\(every.amount * m)wd@\(due)"
        }
        return s
    }

    /// The day overdue repeat `n` of a day cadence falls on, and the working day it fires on.
    private func overdueDay(_ n: Int, _ every: Period) -> (nominal: CivilDate, fire: CivilDate) {
        let days = RestDayCalendar(calendar: calendar, moves: movesOffRestDays)
        let nominal: CivilDate
        switch every.unit {
        case .months: nominal = due.adding(months: every.amount * n)
        case .years: nominal = due.adding(years: every.amount * n)
        case .workingDays: nominal = days.adding(workingDays: every.amount * n, to: due)
        default: nominal = due.adding(days: every.amount * n)
        }
        return (nominal, days.firstWorkingDay(onOrAfter: nominal))
    }

    /// The backoff of an overdue repeat of `step` seconds, when the policy has one.
    private func backoff(_ step: Int64) -> OverdueBackoff? {
        policy.overdueBackoff && step > 0 && step < 86_400 ? OverdueBackoff(step: step) : nil
    }

    private func make(_ i: Int, _ stage: ReminderStage, _ at: Instant) -> Stage {
        Stage(index: i, stage: stage, fireAt: at, key: "\(stage)@\(instantDeadline ? dueInstant.description : due.description)")
    }

    /// The first stage that fires strictly after `t`.
    package func firstStage(after t: Instant) -> Stage? {
        var i = 0
        // Overdue stages are evenly spaced (or back off by a known rule), so jump close to `t` instead
        // of walking day by day. The jump undershoots: a stage never fires before its nominal day.
        if let every = policy.overdueEvery, let dueStage = stage(before.count), t > dueStage.fireAt {
            let elapsed = t.secondsSinceEpoch - dueInstant.secondsSinceEpoch
            if let s = every.seconds, let backoff = backoff(s) {
                i = before.count + max(0, backoff.index(atOrBefore: elapsed) - 1)
            } else if every.unit == .workingDays, !instantDeadline {
                // Repeat n falls on working day n * amount after the due day: count them.
                i = before.count + max(0, (workingDaysLate(at: t) ?? 0) / every.amount - 1)
            } else {
                let perStep: Int64 =
                    switch every.unit {
                    case .months: 31
                    case .years: 366
                    default: 1
                    }
                let step = every.seconds ?? Int64(every.amount) * perStep * 86_400
                i = before.count + max(0, Int(elapsed / max(step, 1)) - 2)
            }
        }
        while let s = stage(i) {
            if s.fireAt > t { return s }
            i = s.index + 1
        }
        return nil
    }

    /// Of the stages from `index` on, the last one that fires at or before `t` (the one to send after
    /// downtime: older missed stages collapse into it).
    package func latestStage(from index: Int, atOrBefore t: Instant) -> Stage? {
        guard let first = stage(index), first.fireAt <= t else { return nil }
        guard let next = firstStage(after: t) else {
            // No stage after t: the last stage is the latest.
            var last = first
            while let s = stage(last.index + 1) { last = s }
            return last
        }
        // The stage just before `next`: step back over repeats merged into `next` itself.
        var i = next.index - 1
        while i > first.index, let s = stage(i), s.index >= next.index { i -= 1 }
        return stage(max(first.index, i))
    }

    /// Every stage up to and including the due stage, then the overdue repeats that fire up to `limit`
    /// (at most `overdue` of them): what `obligctl show` and the calendar feed list.
    package func stages(overdueThrough limit: Instant? = nil, overdue: Int = 0) -> [Stage] {
        var out = before
        if let d = stage(before.count) { out.append(d) }
        guard let limit else { return out }
        var i = before.count + 1
        var count = 0
        while count < overdue, let s = stage(i), s.fireAt <= limit {
            out.append(s)
            i = s.index + 1
            count += 1
        }
        return out
    }

    /// Working days after the due day up to the day of `t`, for a day deadline on a calendar that
    /// covers them: how late an overdue reminder is, in the days people could have acted.
    package func workingDaysLate(at t: Instant) -> Int? {
        guard !instantDeadline, let calendar else { return nil }
        let day = zone.day(of: t)
        guard day > due else { return 0 }
        return try? calendar.workingDayCount(from: due.adding(days: 1), through: day)
    }

    /// Why `s` fires when it does, when a rest day moved it or it stands for stages that met:
    /// "-1d fell on Monday 2026-02-23 (Spring Festival): sent on Saturday 2026-02-14, a make-up
    /// working day". Nil for a stage on its own day.
    package func note(for s: Stage) -> String? {
        var parts: [String] = []
        let day = zone.day(of: s.fireAt)
        if let from = s.movedFrom {
            let offset: String
            switch s.stage {
            case let .before(p): offset = p.description
            case let .overdue(n): offset = "overdue repeat \(n)"
            case .due: offset = "due"
            }
            let verb = s.stage.family == .before ? "sent on" : "waits for"
            var text = "\(offset) fell on \(from.weekdayName) \(from) (\(restReason(from))): \(verb) \(day.weekdayName) \(day)"
            if let run = calendar?.makeUpHoliday(on: day) { text += ", a make-up working day for \(run.name)" }
            parts.append(text)
        }
        if !s.merged.isEmpty {
            parts.append("also stands for \(s.merged.map(\.description).joined(separator: ", ")), which fell on the same day")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    private func restReason(_ d: CivilDate) -> String {
        if let run = calendar?.holiday(on: d) { return run.localName.map { "\(run.name), \($0)" } ?? run.name }
        return d.isWeekend ? "a weekend day" : "a rest day"
    }
}

/// The rest days a plan keeps: the entity's calendar where it covers a day, and weekends past its
/// years (a reminder must still be sent there, and the estimate of a year not yet announced is part
/// of the calendar). With no calendar every day is a working day.
package struct RestDayCalendar: Sendable {
    let calendar: WorkingCalendar?
    /// Whether stages move off rest days; `-Nwd` counts working days either way.
    let moves: Bool

    /// `calendar` nil: no day is a rest day.
    package init(calendar: WorkingCalendar?, moves: Bool) {
        self.calendar = calendar
        self.moves = moves
    }

    /// Whether `d` is a weekend day or holiday, and not a make-up working day.
    package func isRest(_ d: CivilDate) -> Bool {
        guard let calendar else { return false }
        if calendar.contains(d), let working = try? calendar.isWorkingDay(d) { return !working }
        return d.isWeekend
    }

    func lastWorkingDay(onOrBefore d: CivilDate) -> CivilDate {
        var d = d
        while moves, isRest(d) { d = d.adding(days: -1) }
        return d
    }

    func firstWorkingDay(onOrAfter d: CivilDate) -> CivilDate {
        var d = d
        while moves, isRest(d) { d = d.adding(days: 1) }
        return d
    }

    /// The `n`th working day after `d` (n > 0) or before it (n < 0); with no calendar, calendar days.
    func adding(workingDays n: Int, to d: CivilDate) -> CivilDate {
        guard calendar != nil else { return d.adding(days: n) }
        if let c = calendar, let r = try? c.addingWorkingDays(n, to: d) { return r }
        var d = d
        var left = abs(n)
        while left > 0 {
            d = d.adding(days: n > 0 ? 1 : -1)
            if !isRest(d) { left -= 1 }
        }
        return d
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
