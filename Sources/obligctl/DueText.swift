import APIModel
import DeadlineKit
import Foundation

/// How obligctl shows when an obligation is due: a day deadline by its day, an instant deadline (an
/// incident report due in 10 minutes) by its local time and zone, and how long until or since.
enum DueText {
    /// "2025-07-14 (Monday)", or "2025-03-03 14:15 +08:00 Asia/Shanghai" for an instant deadline.
    static func due(_ o: ObligationView) -> String {
        guard o.timed else { return "\(o.due) (\(o.dueWeekday))" }
        return local(o)
    }

    /// The short form for tables: "2025-07-14 Mon", or "2025-03-03 14:15 +08:00".
    static func column(_ o: ObligationView) -> String {
        guard o.timed else { return "\(o.due) \(o.dueWeekday.prefix(3))" }
        let t = o.dueLocal
        guard t.count >= 25 else { return t }
        return "\(t.prefix(10)) \(t.dropFirst(11).prefix(5)) \(t.suffix(6))"
    }

    static func local(_ o: ObligationView) -> String { "\(column(o)) \(o.zone)" }

    /// "in 3 h 40 min", "overdue 12 d", "-" once closed: from now to the end of the deadline.
    static func left(_ o: ObligationView, now: Date = Date()) -> String {
        guard o.status == .open else { return "-" }
        guard let end = ISO8601DateFormatter().date(from: o.dueInstant) else { return "?" }
        let seconds = Int(end.timeIntervalSince(now).rounded(.down))
        return seconds < 0 ? "overdue \(span(-seconds))" : "in \(span(seconds))"
    }

    /// "2026-02-14 Sat 09:00" from a local RFC 3339 time (`2026-02-14T09:00:00+08:00`): a reminder's
    /// day, weekday and time, the weekday because whether it is a working day is the point.
    static func localMinute(_ t: String) -> String {
        guard t.count >= 16, let day = try? CivilDate(parsing: String(t.prefix(10))) else { return t }
        return "\(day) \(day.weekdayName.prefix(3)) \(t.dropFirst(11).prefix(5))"
    }

    /// A span at the precision that matters: days past two days, else hours and minutes.
    static func span(_ seconds: Int) -> String {
        if seconds >= 2 * 86_400 { return "\(seconds / 86_400) d" }
        let h = seconds / 3600, m = seconds / 60 % 60
        if h > 0 { return m > 0 ? "\(h) h \(m) min" : "\(h) h" }
        return seconds >= 60 ? "\(m) min" : "\(seconds) s"
    }
}
