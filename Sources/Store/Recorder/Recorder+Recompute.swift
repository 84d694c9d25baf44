import DeadlineKit
import Foundation
import GRDB
import Rules

/// Recomputing stored due days under the calendars in force.
extension Recorder {
    package struct RecomputeResult: Sendable {
        package var lastId: Int64
        package var examined = 0
        package var moved = 0
        package var confirmed = 0
    }

    /// Recomputes open obligations with id > `afterId` (up to `limit`) under the configuration in
    /// force: a due day that moves is audited ("moved from X to Y: calendar cn/2027 v1 published") and
    /// notified; a provisional one whose new calendar keeps the day stops being provisional, audited.
    package func recompute(afterId: Int64, limit: Int = 5000, years: [String]? = nil) throws -> RecomputeResult {
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
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT id, entityId, start, period, roll, due, dueInstant, calendars, provisional FROM obligation
                WHERE +status = 'open' AND id > ?\(filter) ORDER BY id LIMIT ?
                """, arguments: arguments)
        var result = RecomputeResult(lastId: rows.last?[0] ?? afterId)
        for row in rows {
            result.examined += 1
            // Columns by position: name lookups lowercase and hash every key, per row.
            let e = try entity(row[1])
            let calculator = DueCalculator(calendar: try config.calendar(e.region))
            let start: Start = try row.decode(2, "obligation.start")
            let period: Period = try row.decode(3, "obligation.period")
            let roll: Roll? = try row.decodeIfPresent(4, "obligation.roll")
            let r: DueResult
            do { r = try calculator.due(from: start, period, roll: roll, zone: try zone(e)) } catch {
                throw StoreError.invalid(field: "start", problem: "\(error)", fix: "check the obligation's start and period")
            }
            let oldDue: CivilDate = try row.decode(5, "obligation.due")
            let oldInstant: Int64 = row[6]
            let oldCalendars: CalendarList = try row.decode(7, "obligation.calendars")
            let oldProvisional: Bool = row[8]
            let moved = r.due != oldDue || r.dueInstant.secondsSinceEpoch != oldInstant
            // Same day and status under a new version of the same calendars: nothing to record. The stored
            // labels still name the deciding years, which is what the next reload filters on; `show
            // --explain` always names the versions in force.
            guard moved || r.provisional != oldProvisional else { continue }
            var o = try obligation(row[0])
            let before = try json(o)
            let reason = Self.calendarChange(old: oldCalendars, new: CalendarList(deciding: r, on: calculator.calendar))
            try apply(r, start: start, period: period, to: &o)
            try save(o)
            if moved {
                let note = "moved from \(oldDue) to \(o.due): \(reason)"
                try audit("obligation.moved", subject: "obligation:\(o.id!)", before: before, after: try json(o), note: note)
                try notify(.moved, o, .init(from: oldDue.description, reason: reason))
                result.moved += 1
            } else {
                try audit(
                    "obligation.recomputed", subject: "obligation:\(o.id!)", before: before, after: try json(o),
                    note: "due \(o.due) unchanged\(o.provisional ? "" : ", no longer provisional"): \(reason)")
                result.confirmed += 1
            }
        }
        return result
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
