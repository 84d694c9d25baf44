import DeadlineKit
import Foundation
import Rules

/// Reminder stages: arming, firing (with its ledger row), catch-up after downtime.
extension Recorder {
    /// Sends every reminder stage that is due at `now`, for up to `limit` obligations: one ledger row
    /// per (obligation, stage) and its outbox row in this transaction. Stages missed while obligd was
    /// down collapse into the latest, sent once and marked late. Returns how many were sent and
    /// whether more obligations are waiting.
    package func fireReminders(limit: Int = 1000, lateAfterSeconds: Int64 = 60) throws -> (sent: Int, late: Int, more: Bool) {
        let due = try sql.all(
            Obligation.self,
            "SELECT * FROM obligation WHERE nextReminderAt IS NOT NULL AND nextReminderAt <= ? ORDER BY nextReminderAt, id LIMIT ?",
            [now.secondsSinceEpoch, limit])
        var sent = 0
        var lateCount = 0
        for var o in due {
            let e = try entity(o.entityId)
            let plan = try Reminders.plan(for: o, entity: e, config: config, zone: try zone(e))
            if o.status == .open, let index = o.nextStageIndex, let stage = plan.latestStage(from: index, atOrBefore: now) {
                let collapsed = stage.index - index
                let late = now.secondsSinceEpoch - stage.fireAt.secondsSinceEpoch > lateAfterSeconds || collapsed > 0
                var recorded = false
                // A stage an acknowledgement reduces is skipped, not recorded (see Acknowledgement).
                if try !reducedByAcknowledgement(o, stage: stage, plan: plan, zone: try zone(e)) {
                    recorded =
                        try sql.execute(
                            """
                            INSERT INTO reminderLedger (obligationId, stage, dueAt, firedAt, late) VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT (obligationId, stage) DO NOTHING
                            """, o.id, stage.key, stage.fireAt.secondsSinceEpoch, now.secondsSinceEpoch, late) > 0
                }
                if recorded {
                    try notify(
                        .reminder, o,
                        .init(
                            stage: stage.name, stageKey: stage.key, late: late,
                            scheduledAt: stage.fireAt.secondsSinceEpoch, collapsed: collapsed))
                    sent += 1
                    if late { lateCount += 1 }
                }
                let next = plan.stage(stage.index + 1)
                o.nextStageIndex = next?.index
                o.nextReminderAt = next?.fireAt.secondsSinceEpoch
            } else {
                let next = o.status == .open ? plan.firstStage(after: now) : nil
                o.nextStageIndex = next?.index
                o.nextReminderAt = next?.fireAt.secondsSinceEpoch
            }
            try sql.execute(
                "UPDATE obligation SET nextStageIndex = ?, nextReminderAt = ? WHERE id = ?", o.nextStageIndex, o.nextReminderAt, o.id)
        }
        return (sent, lateCount, due.count == limit)
    }

    /// Whether an acknowledgement holding today suppresses `stage`: before-stages other than the last,
    /// and overdue repeats within a day of the obligation's previous reminder. The due stage never.
    func reducedByAcknowledgement(_ o: Obligation, stage: ReminderPlan.Stage, plan: ReminderPlan, zone: Zone) throws -> Bool {
        guard let id = o.id, let ack = try sql.one(Acknowledgement.self, "SELECT * FROM acknowledgement WHERE obligationId = ?", [id]),
            ack.holds(on: zone.day(of: now))
        else { return false }
        if stage.name.hasPrefix("before:") {
            return plan.stage(stage.index + 1)?.name.hasPrefix("before:") == true
        }
        guard stage.name.hasPrefix("overdue:") else { return false }
        let last = try sql.value(Int64.self, "SELECT max(firedAt) AS last FROM reminderLedger WHERE obligationId = ?", [id])
        return last.map { now.secondsSinceEpoch - $0 < 86_400 } ?? false
    }

    /// The earliest pending reminder, for the scheduler to sleep until.
    package func nextReminder() throws -> Instant? {
        try sql.value(Int64.self, "SELECT min(nextReminderAt) AS next FROM obligation WHERE nextReminderAt IS NOT NULL")
            .map { Instant(secondsSinceEpoch: $0) }
    }

    /// opened or moved are not sent (the "opened" or "moved" notification says what is due).
    package func armReminders(_ o: inout Obligation) throws {
        let e = try entity(o.entityId)
        let plan = try Reminders.plan(for: o, entity: e, config: config, zone: try zone(e))
        let next = plan.firstStage(after: now)
        o.nextStageIndex = next?.index
        o.nextReminderAt = next?.fireAt.secondsSinceEpoch
    }
}

extension Recorder {
    /// The reminder stages of `o` up to its due stage (before-stages and the due one; overdue repeats
    /// are open-ended), for calendar feeds.
    package func stagesUntilDue(of o: Obligation) throws -> [ReminderPlan.Stage] {
        let e = try entity(o.entityId)
        let plan = try Reminders.plan(for: o, entity: e, config: config, zone: try zone(e))
        var out: [ReminderPlan.Stage] = []
        var i = 0
        while let s = plan.stage(i), !s.name.hasPrefix("overdue:") {
            out.append(s)
            i += 1
        }
        return out
    }

    /// How many times `o` changed since it was opened (its audit rows after the first): the SEQUENCE of
    /// its calendar event, which must grow with every change for clients to take the new version.
    package func revision(of o: Obligation) throws -> Int {
        let rows = try sql.value(Int.self, "SELECT count(*) AS n FROM audit WHERE subject = ?", ["obligation:\(o.id ?? 0)"]) ?? 0
        return max(0, rows - 1)
    }
}
