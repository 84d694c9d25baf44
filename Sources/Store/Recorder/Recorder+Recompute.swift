import DeadlineKit
import Foundation
import GRDB
import Rules

/// Recomputing stored due days under the calendars in force.
extension Recorder {
    public struct RecomputeResult: Sendable {
        public var lastId: Int64
        public var examined = 0
        public var moved = 0
        public var confirmed = 0
    }

    /// Recomputes open obligations with id > `afterId` (up to `limit`) under the configuration in
    /// force: a due day that moves is audited ("moved from X to Y: calendar cn/2027 v1 published") and
    /// notified; a provisional one whose new calendar keeps the day stops being provisional, audited.
    public func recompute(afterId: Int64, limit: Int = 5000, years: [String]? = nil) throws -> RecomputeResult {
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
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, entityId, start, period, roll, due, dueInstant, calendars, provisional FROM obligation
            WHERE +status = 'open' AND id > ?\(filter) ORDER BY id LIMIT ?
            """, arguments: arguments)
        var result = RecomputeResult(lastId: rows.last?[0] ?? afterId)
        for row in rows {
            result.examined += 1
            // Columns by position: name lookups lowercase and hash every key, per row.
            let e = try entity(row[1])
            let calculator = DueCalculator(calendar: try config.calendar(e.region))
            let start = try Start(parsing: row[2] as String)
            let period = try Period(parsing: row[3] as String)
            let roll = (row[4] as String?).flatMap(Roll.init(rawValue:))
            let r: DueResult
            do { r = try calculator.due(from: start, period, roll: roll, zone: try zone(e)) } catch {
                throw StoreError.invalid(field: "start", problem: "\(error)", fix: "check the obligation's start and period")
            }
            let oldDue: String = row[5]
            let oldInstant: Int64 = row[6]
            let oldCalendars: String = row[7]
            let oldProvisional: Bool = row[8]
            let moved = r.due.description != oldDue || r.dueInstant.secondsSinceEpoch != oldInstant
            // Same day and status under a new version of the same calendars: nothing to record. The stored
            // labels still name the deciding years, which is what the next reload filters on; `show
            // --explain` always names the versions in force.
            guard moved || r.provisional != oldProvisional else { continue }
            var o = try obligation(row[0])
            let before = try json(o)
            let reason = Self.calendarChange(old: oldCalendars, new: calendarsJSON(r, calendar: calculator.calendar))
            try apply(r, start: start, period: period, to: &o)
            try save(o)
            if moved {
                let note = "moved from \(oldDue) to \(o.due): \(reason)"
                try audit("obligation.moved", subject: "obligation:\(o.id!)", before: before, after: try json(o), note: note)
                try notify(.moved, o, .init(from: oldDue, reason: reason))
                result.moved += 1
            } else {
                try audit("obligation.recomputed", subject: "obligation:\(o.id!)", before: before, after: try json(o),
                          note: "due \(o.due) unchanged\(o.provisional ? "" : ", no longer provisional"): \(reason)")
                result.confirmed += 1
            }
        }
        return result
    }

    static func calendarChange(old: String, new: String) -> String {
        func list(_ s: String) -> [String] { (try? JSONSerialization.jsonObject(with: Data(s.utf8))) as? [String] ?? [] }
        let added = list(new).filter { !list(old).contains($0) }
        let published = added.filter { !$0.hasSuffix("estimated") }
        if !published.isEmpty { return "calendar \(published.joined(separator: ", ")) published" }
        if !added.isEmpty { return "calendars now \(list(new).joined(separator: ", "))" }
        return "configuration reloaded"
    }
}

/// The calendars that decided a due day, stored with the obligation so an audit can name them and a
/// reload can tell which obligations a new calendar file affects.
func calendarsJSON(_ r: DueResult, calendar: WorkingCalendar) -> String {
    guard let d = r.deadline else { return "[]" }
    var parts: [String] = []
    for y in d.decidingDays.lowerBound.year...d.decidingDays.upperBound.year {
        guard let yc = calendar.year(y) else { continue }
        switch yc.source {
        case let .official(_, _, _, version): parts.append("\"\(calendar.region)/\(y) v\(version)\"")
        case .estimated: parts.append("\"\(calendar.region)/\(y) estimated\"")
        }
    }
    return "[" + parts.joined(separator: ",") + "]"
}
