import DeadlineKit
import Foundation
import Rules

/// Recomputing stored due days under the calendars in force.
extension Recorder {
    /// What one batch of `recompute` did, and where the next batch starts.
    package struct RecomputeResult: Sendable {
        /// The last obligation id examined: the next batch's `afterId`.
        package var lastId: Int64
        /// Open obligations examined in the batch.
        package var examined = 0
        /// Those whose due day moved (audited and notified).
        package var moved = 0
        /// Those that kept their day and stopped being provisional (audited).
        package var confirmed = 0
    }

    /// Recomputes open obligations with id > `afterId` (up to `limit`) under the configuration in
    /// force: a due day that moves is audited ("moved from X to Y: calendar cn/2027 v1 published") and
    /// notified; a provisional one whose new calendar keeps the day stops being provisional, audited.
    package func recompute(afterId: Int64, limit: Int = 5000, years: [String]? = nil) throws -> RecomputeResult {
        var result = RecomputeResult(lastId: afterId)
        let read = try eachRecomputed(afterId: afterId, limit: limit, years: years) { c in
            // Same day and status under a new version of the same calendars: nothing to record. The stored
            // labels still name the deciding years, which is what the next reload filters on; `show
            // --explain` always names the versions in force.
            guard c.moved || c.provisionalChanged else { return }
            var o = try obligation(c.id)
            let before = try json(o)
            let reason = Self.calendarChange(old: c.oldCalendars, new: CalendarList(deciding: c.result, on: c.calendar))
            try apply(c.result, start: c.start, period: c.period, to: &o)
            try save(o)
            if c.moved {
                let note = "moved from \(c.oldDue) to \(o.due): \(reason)"
                try audit(.obligationMoved, subject: "obligation:\(o.id!)", before: before, after: try json(o), note: note)
                try notify(.moved, o, .init(from: c.oldDue.description, reason: reason))
                result.moved += 1
            } else {
                try audit(
                    .obligationRecomputed, subject: "obligation:\(o.id!)", before: before, after: try json(o),
                    note: "due \(o.due) unchanged\(o.provisional ? "" : ", no longer provisional"): \(reason)")
                result.confirmed += 1
            }
        }
        (result.lastId, result.examined) = read
        return result
    }

    /// What one batch of `recompute` would do, for a reload's preview.
    package struct PreviewResult: Sendable {
        /// The last obligation id examined: the next batch's `afterId`.
        package var lastId: Int64
        /// Open obligations examined in the batch.
        package var examined = 0
        /// The obligations that would move, as stored, with the due day they would get and whether it
        /// would still be provisional: the first `keep` of them.
        package var moves: [(obligation: Obligation, due: CivilDate, provisional: Bool)] = []
        /// All that would move, and all that would keep their day and change only their provisional mark.
        package var moved = 0
        /// Those that would keep their day and only change their provisional mark.
        package var confirmed = 0
    }

    /// What `recompute` would do, writing nothing: run on a snapshot under a candidate configuration
    /// (a calendar file not loaded yet), it tells which open deadlines a reload would move. Why: an
    /// operator importing a holiday notice sees the moves before deciding to reload.
    package func previewRecompute(afterId: Int64, limit: Int = 5000, years: [String], keep: Int) throws -> PreviewResult {
        var result = PreviewResult(lastId: afterId)
        let read = try eachRecomputed(afterId: afterId, limit: limit, years: years) { c in
            if c.moved {
                result.moved += 1
                if result.moves.count < keep { result.moves.append((try obligation(c.id), c.result.due, c.result.provisional)) }
            } else if c.provisionalChanged {
                result.confirmed += 1
            }
        }
        (result.lastId, result.examined) = read
        return result
    }

    /// An open obligation's due day computed again under the configuration in force, not yet saved.
    struct Recomputed {
        let id: Int64
        let start: Start
        let period: Period
        let calendar: WorkingCalendar
        let result: DueResult
        let oldDue: CivilDate
        let oldCalendars: CalendarList
        let moved: Bool
        let provisionalChanged: Bool
    }

    /// Recomputes the open obligations with id > `afterId` (up to `limit`, only those decided by
    /// `years` when given: "cn/2027") and hands each to `body`; returns the last id read and the count.
    private func eachRecomputed(
        afterId: Int64, limit: Int, years: [String]?, _ body: (Recomputed) throws -> Void
    ) throws -> (lastId: Int64, examined: Int) {
        // Read only the columns the computation needs; decode and rewrite a full record only when it changed.
        // `+status` keeps SQLite walking the rowid from the cursor instead of the status index (which
        // would rescan every open row on each batch).
        // Only obligations decided by a calendar year that changed can move (`years`: "cn/2027" ...).
        var filter = ""
        var arguments: [(any SQLColumn)?] = [afterId]
        if let years {
            filter = " AND (" + years.map { _ in "calendars LIKE ?" }.joined(separator: " OR ") + ")"
            for y in years { arguments.append("%\"\(y) %") }
        }
        arguments.append(limit)
        let rows = try sql.rows(
            """
            SELECT id, entityId, start, period, roll, due, dueInstant, calendars, provisional FROM obligation
            WHERE \(sql.noIndex("status")) = 'open' AND id > ?\(filter) ORDER BY id LIMIT ?
            """, arguments)
        for row in rows {
            // Columns by position: name lookups lowercase and hash every key, per row.
            let e = try entity(try row.decode(1, "obligation.entityId"))
            let calculator = DueCalculator(calendar: try config.calendar(e.region))
            let start: Start = try row.decode(2, "obligation.start")
            let period: Period = try row.decode(3, "obligation.period")
            let roll: Roll? = try row.decode(4, "obligation.roll")
            let r: DueResult
            do { r = try calculator.due(from: start, period, roll: roll, zone: try zone(e)) } catch {
                throw StoreError.invalid(field: "start", problem: "\(error)", fix: "check the obligation's start and period")
            }
            let oldDue: CivilDate = try row.decode(5, "obligation.due")
            let oldInstant: Int64 = try row.decode(6, "obligation.dueInstant")
            let oldProvisional: Bool = try row.decode(8, "obligation.provisional")
            try body(
                Recomputed(
                    id: try row.decode(0, "obligation.id"), start: start, period: period, calendar: calculator.calendar, result: r,
                    oldDue: oldDue,
                    oldCalendars: try row.decode(7, "obligation.calendars"),
                    moved: r.due != oldDue || r.dueInstant.secondsSinceEpoch != oldInstant,
                    provisionalChanged: r.provisional != oldProvisional))
        }
        return (try rows.last?.decode(0, "obligation.id") ?? afterId, rows.count)
    }

    /// Why a recomputed due day changed, in the words of the audit: the calendar that was published,
    /// or the calendars now deciding it.
    static func calendarChange(old: CalendarList, new: CalendarList) -> String {
        let added = new.years.filter { !old.years.contains($0) }
        let published = added.filter { !$0.hasSuffix("estimated") }
        if !published.isEmpty { return "calendar \(published.joined(separator: ", ")) published" }
        if !added.isEmpty { return "calendars now \(new.years.joined(separator: ", "))" }
        return "configuration reloaded"
    }
}
