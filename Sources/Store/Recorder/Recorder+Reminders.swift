import DeadlineKit
import Foundation
import Rules

/// Reminder stages: arming, firing (with its ledger row), catch-up after downtime.
extension Recorder {
    /// Sends every reminder stage that is due at `now`, for up to `limit` obligations: one ledger row
    /// per (obligation, stage) and its outbox row in this transaction. Stages missed while obligd was
    /// down collapse into the latest, sent once and marked late. Returns how many were sent and
    /// whether more obligations are waiting.
    ///
    /// Why in a handful of statements per batch (the ledger rows, the outbox rows, the next stages,
    /// each written many rows at a time) rather than a few per reminder: on PostgreSQL each statement
    /// is a round trip, and a leader taking over must fire the seconds it missed in well under one.
    package func fireReminders(limit: Int = 1000, lateAfterSeconds: Int64 = 60) throws -> (sent: Int, late: Int, more: Bool) {
        let due = try sql.all(
            Obligation.self,
            "SELECT * FROM obligation WHERE nextReminderAt IS NOT NULL AND nextReminderAt <= ? ORDER BY nextReminderAt, id LIMIT ?",
            [now.secondsSinceEpoch, limit])
        let acks = try acknowledgements(of: due.compactMap(\.id))
        var firing: [Firing] = []
        var next: [NextStage] = []
        for o in due {
            guard let id = o.id else { continue }
            let e = try entity(o.entityId)
            let zone = try zone(e)
            let plan = try Reminders.plan(for: o, entity: e, config: config, zone: zone)
            var following: ReminderPlan.Stage?
            if o.status == .open, let index = o.nextStageIndex, let stage = plan.latestStage(from: index, atOrBefore: now) {
                let collapsed = stage.index - index
                let late = now.secondsSinceEpoch - stage.fireAt.secondsSinceEpoch > lateAfterSeconds || collapsed > 0
                // A stage an acknowledgement reduces is skipped, not recorded (see Acknowledgement).
                if try !reducedByAcknowledgement(o, acks[id], stage: stage, plan: plan, zone: zone) {
                    firing.append(
                        Firing(
                            obligation: o, stage: stage, late: late, collapsed: collapsed,
                            lateWorkingDays: stage.stage.family == .overdue ? plan.workingDaysLate(at: stage.fireAt) : nil))
                }
                following = plan.stage(stage.index + 1)
            } else {
                following = o.status == .open ? plan.firstStage(after: now) : nil
            }
            next.append(NextStage(id: id, index: following?.index, at: following?.fireAt.secondsSinceEpoch))
        }
        let recorded = try recordLedger(firing)
        let sent = firing.filter { recorded.contains($0.obligation.id ?? 0) }
        try enqueue(
            sent.map { f in
                let detail = OutboxPayload.Detail(
                    stage: f.stage.name, stageKey: f.stage.key, late: f.late, scheduledAt: f.stage.fireAt.secondsSinceEpoch,
                    collapsed: f.collapsed, lateWorkingDays: f.lateWorkingDays)
                return (OutboxPayload(kind: .reminder, obligation: f.obligation, detail: detail), f.obligation.id)
            })
        try setNextStages(next)
        return (sent.count, sent.filter(\.late).count, due.count == limit)
    }

    /// A stage being fired.
    struct Firing {
        var obligation: Obligation
        var stage: ReminderPlan.Stage
        var late: Bool
        var collapsed: Int
        var lateWorkingDays: Int?
    }

    /// An obligation's next stage after a firing (none: nil).
    struct NextStage {
        var id: Int64
        var index: Int?
        var at: Int64?
    }

    /// Rows per multi-row statement: well under both databases' limits on bound parameters.
    static let rowsPerStatement = 300

    /// Writes the ledger rows of `firing`; returns the obligations whose row was new (a row already
    /// there means the stage was sent before, and it is not sent again).
    func recordLedger(_ firing: [Firing]) throws -> Set<Int64> {
        var recorded = Set<Int64>()
        for chunk in firing.chunks(of: Self.rowsPerStatement) {
            let values = Array(repeating: "(?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")
            let arguments: [(any SQLColumn)?] = chunk.flatMap { f -> [(any SQLColumn)?] in
                [f.obligation.id, f.stage.key, f.stage.fireAt.secondsSinceEpoch, now.secondsSinceEpoch, f.late]
            }
            recorded.formUnion(
                try sql.values(
                    Int64.self,
                    """
                    INSERT INTO reminderLedger (obligationId, stage, dueAt, firedAt, late) VALUES \(values)
                    ON CONFLICT (obligationId, stage) DO NOTHING RETURNING obligationId
                    """, arguments))
        }
        return recorded
    }

    /// Sets each obligation's next stage and its instant.
    func setNextStages(_ next: [NextStage]) throws {
        for chunk in next.chunks(of: Self.rowsPerStatement) {
            let cases = Array(repeating: "WHEN ? THEN CAST(? AS BIGINT)", count: chunk.count).joined(separator: " ")
            let ids = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            let arguments: [(any SQLColumn)?] =
                chunk.flatMap { n -> [(any SQLColumn)?] in [n.id, n.index.map { Int64($0) }] }
                + chunk.flatMap { n -> [(any SQLColumn)?] in [n.id, n.at] } + chunk.map { $0.id }
            try sql.execute(
                """
                UPDATE obligation SET nextStageIndex = CASE id \(cases) END, nextReminderAt = CASE id \(cases) END
                WHERE id IN (\(ids))
                """, arguments.map { $0?.sqlValue ?? .null })
        }
    }

    /// Whether an acknowledgement holding today suppresses `stage`: before-stages other than the last,
    /// and overdue repeats within a day of the obligation's previous reminder. The due stage never.
    func reducedByAcknowledgement(
        _ o: Obligation, _ ack: Acknowledgement?, stage: ReminderPlan.Stage, plan: ReminderPlan, zone: Zone
    ) throws -> Bool {
        guard let id = o.id, let ack, ack.holds(on: zone.day(of: now)) else { return false }
        switch stage.stage.family {
        case .before: return plan.stage(stage.index + 1)?.stage.family == .before
        case .due: return false
        case .overdue: break
        }
        let last = try sql.value(Int64.self, "SELECT max(firedAt) AS last FROM reminderLedger WHERE obligationId = ?", [id])
        return last.map { now.secondsSinceEpoch - $0 < 86_400 } ?? false
    }

    /// The earliest pending reminder, for the scheduler to sleep until.
    package func nextReminder() throws -> Instant? {
        try sql.value(Int64.self, "SELECT min(nextReminderAt) AS next FROM obligation WHERE nextReminderAt IS NOT NULL")
            .map { Instant(secondsSinceEpoch: $0) }
    }

    /// Points the obligation at its first reminder stage after now; stages already past when it is
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
        return plan.stages()
    }

    /// How many times `o` changed since it was opened (its audit rows after the first): the SEQUENCE of
    /// its calendar event, which must grow with every change for clients to take the new version.
    package func revision(of o: Obligation) throws -> Int {
        let rows = try sql.value(Int.self, "SELECT count(*) AS n FROM audit WHERE subject = ?", ["obligation:\(o.id ?? 0)"]) ?? 0
        return max(0, rows - 1)
    }
}

/// One reminder of an obligation's plan as `obligctl show` and the API list it: when it comes (or came),
/// whether it was sent, and why a rest day moved it.
package struct PlannedReminder: Sendable, Equatable {
    /// Where a stage stands.
    package enum State: String, Sendable {
        /// The ledger has it sent.
        case sent
        /// Still to come.
        case planned
        /// Its time passed without it: it was already past when the obligation was opened or moved,
        /// an acknowledgement reduced it, or it collapsed into a later stage after downtime.
        case passed
    }
    /// The stage as the ledger writes it (`before:-5wd`, `due`, `overdue:2`).
    package var stage: String
    /// Whether it was sent, is still to come, or passed without being sent.
    package var state: State
    /// When it fires, in UTC.
    package var at: Instant
    /// When it was sent, from the ledger; nil while it is still to come (or was skipped).
    package var sentAt: Instant?
    /// Sent after its time (obligd was down, or stages collapsed into it).
    package var late: Bool
    /// Why it fires when it does, when a rest day moved it or other stages merged into it.
    package var note: String?
}

extension Recorder {
    /// The reminder plan of `o` under the configuration in force: its before-stages and due stage, the
    /// overdue repeats sent so far (the last `overdueShown`) and the next one while it is open; each
    /// with whether the ledger has it sent. Why here: the plan and the ledger are both Store's, and
    /// `show`, the API and the web view must say the same plan the scheduler fires.
    package func plannedReminders(of o: Obligation, overdueShown: Int = 5) throws -> [PlannedReminder] {
        guard let id = o.id else { return [] }
        let e = try entity(o.entityId)
        let plan = try Reminders.plan(for: o, entity: e, config: config, zone: try zone(e))
        var sent: [String: (at: Int64, late: Bool)] = [:]
        for row in try sql.rows("SELECT stage, firedAt, late FROM reminderLedger WHERE obligationId = ?", [id]) {
            let key: String = try row.decode(0, "reminderLedger.stage")
            sent[key] = (try row.decode(1, "reminderLedger.firedAt"), try row.decode(2, "reminderLedger.late"))
        }
        var stages = plan.stages()
        var overdue: [ReminderPlan.Stage] = []
        if let dueStage = stages.last, dueStage.stage == .due {
            var i = dueStage.index + 1
            while let s = plan.stage(i), s.fireAt <= now {
                overdue.append(s)
                if overdue.count > overdueShown { overdue.removeFirst() }
                i = s.index + 1
            }
            if o.status == .open, let next = plan.stage(i) { overdue.append(next) }
        }
        stages += overdue
        return stages.map { s in
            let ledger = sent[s.key]
            let state: PlannedReminder.State = ledger != nil ? .sent : s.fireAt > now ? .planned : .passed
            return PlannedReminder(
                stage: s.name, state: state, at: s.fireAt, sentAt: ledger.map { Instant(secondsSinceEpoch: $0.at) },
                late: ledger?.late ?? false,
                note: plan.note(for: s))
        }
    }

    /// Points every open obligation from `afterId` on (up to `limit`) at the first stage of its plan
    /// after now, under the configuration in force; returns the last id seen, how many were examined (0:
    /// done) and how many now point elsewhere. Why: the
    /// reminder settings or a calendar changed (a reload, an upgrade), and an armed stage of the old
    /// plan may now fall on a rest day. An obligation whose armed stage is already due keeps it, so the
    /// catch-up after downtime still sends its one late reminder.
    ///
    /// `armedWithin` (epoch seconds) limits the pass to obligations armed in that span: after a calendar
    /// change, only a stage near the changed years can move.
    package func rearmReminders(
        afterId: Int64, limit: Int = 5000, armedWithin: ClosedRange<Int64>? = nil
    ) throws -> (lastId: Int64, examined: Int, rearmed: Int) {
        let open =
            if let span = armedWithin {
                try sql.all(
                    Obligation.self,
                    """
                    SELECT * FROM obligation WHERE status = 'open' AND id > ? AND nextReminderAt BETWEEN ? AND ?
                    ORDER BY id LIMIT ?
                    """, [afterId, span.lowerBound, span.upperBound, limit])
            } else {
                try sql.all(
                    Obligation.self, "SELECT * FROM obligation WHERE status = 'open' AND id > ? ORDER BY id LIMIT ?", [afterId, limit])
            }
        var next: [NextStage] = []
        for o in open {
            guard let id = o.id else { continue }
            if let at = o.nextReminderAt, at <= now.secondsSinceEpoch { continue }
            var armed = o
            try armReminders(&armed)
            if armed.nextStageIndex != o.nextStageIndex || armed.nextReminderAt != o.nextReminderAt {
                next.append(NextStage(id: id, index: armed.nextStageIndex, at: armed.nextReminderAt))
            }
        }
        try setNextStages(next)
        return (open.last?.id ?? afterId, open.count, next.count)
    }
}
