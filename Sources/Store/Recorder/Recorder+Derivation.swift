import DeadlineKit
import Foundation
import Rules

/// Opening or moving the obligation a fact derives.
extension Recorder {
    /// Opens the obligation for (entity, rule, trigger) or, if its start changed (a backdated report),
    /// moves it; both are audited and notified.
    func upsert(
        entity e: Entity, rule: Rule?, title: String, triggerKey: TriggerKey, start: Start, period: Period, roll: Roll?,
        reason: String, outcome: inout Outcome
    ) throws {
        let computed = try compute(entity: e, start: start, period: period, roll: roll)
        outcome.derived.insert(DerivedKey(entity: e.id, trigger: triggerKey))
        let existing = try sql.one(
            Obligation.self, "SELECT * FROM obligation WHERE entityId = ? AND ruleId IS NOT DISTINCT FROM ? AND triggerKey = ?",
            [e.id, rule?.id, triggerKey])
        if var o = existing {
            guard o.start != start || o.period != period || o.roll != roll else { return }
            guard o.status == .open else { return }
            let before = try json(o)
            let from = o.due, fromInstant = o.dueInstant
            o.roll = roll
            try apply(computed, start: start, period: period, to: &o)
            try save(o)
            guard o.due != from || o.dueInstant != fromInstant else {
                // A new start or rule that lands on the same day: recorded, but nobody needs telling.
                try audit(
                    .obligationRecomputed, subject: "obligation:\(o.id!)", before: before, after: try json(o),
                    note: "due \(o.due) unchanged: \(reason)")
                return
            }
            try audit(
                .obligationMoved, subject: "obligation:\(o.id!)", before: before, after: try json(o),
                note: "moved from \(from) to \(o.due): \(reason)")
            try notify(.moved, o, .init(from: from.description, reason: reason))
            outcome.moved.append(o)
            return
        }
        var o = Obligation(
            id: nil, entityId: e.id, ruleId: rule?.id, title: title, triggerKey: triggerKey, start: start, period: period,
            roll: roll, due: computed.due, dueInstant: 0, calendars: CalendarList([]), provisional: false, status: .open,
            nextStageIndex: nil, nextReminderAt: nil, closedOn: nil, closedNote: nil, createdAt: now.secondsSinceEpoch,
            updatedAt: now.secondsSinceEpoch)
        try apply(computed, start: start, period: period, to: &o)
        o.id = try sql.insert(o)
        try audit(.obligationOpened, subject: "obligation:\(o.id!)", before: nil, after: try json(o), note: reason)
        try notify(.opened, o)
        outcome.opened.append(o)
    }

    /// Sets the computed due day on `o` and arms its next reminder; a reminder plan that cannot be made
    /// (an unknown zone) fails the write rather than leaving an obligation that would never remind.
    func apply(_ r: DueResult, start: Start, period: Period, to o: inout Obligation) throws {
        o.start = start
        o.period = period
        o.due = r.due
        o.dueInstant = r.dueInstant.secondsSinceEpoch
        o.provisional = r.provisional
        if let calendar = config.calendars[r.region] { o.calendars = CalendarList(deciding: r, on: calendar) }
        try armReminders(&o)
        o.updatedAt = now.secondsSinceEpoch
    }

    /// The due day of `period` from `start` for entity `e`, on the calendar of the entity's region in
    /// its zone; a start outside the calendar's years is refused naming the years it covers.
    package func compute(entity e: Entity, start: Start, period: Period, roll: Roll?) throws -> DueResult {
        let zone = try zone(e)
        let calendar = try config.calendar(e.region)
        do {
            return try DueCalculator(calendar: calendar).due(from: start, period, roll: roll, zone: zone)
        } catch let error as WorkingCalendar.Error {
            throw StoreError.invalid(
                field: "start", problem: error.description,
                fix: "use a start within \(calendar.years.lowerBound)-\(calendar.years.upperBound)")
        } catch let error as InputError {
            throw StoreError.invalid(field: "start", problem: "\(error.token) \(error.problem)", fix: "expected " + error.accepted)
        }
    }
}
