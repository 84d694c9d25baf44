import DeadlineKit
import Foundation
import Rules
import Store

/// Open obligations as an iCalendar (RFC 5545) calendar, for the calendar officers use every day: an
/// all-day event on the due day (a timed one for an instant deadline), an alarm per reminder stage,
/// a stable UID per obligation and a SEQUENCE that grows with every audited change, the rule, citation and
/// "provisional" in the description.
enum CalendarFeed {
    /// One obligation of the feed: its entity, its reminder stages up to the due one, its revision.
    typealias Item = (obligation: Obligation, entity: Entity, stages: [ReminderPlan.Stage], revision: Int)

    static func render(_ items: [Item], config: Configuration, now: Instant) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//obligd//obligd \(APIServer.version)//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:obligd deadlines"
        ]
        for (o, e, stages, revision) in items {
            let rule = o.ruleId.flatMap { config.rule($0) }
            let end = Instant(secondsSinceEpoch: o.dueInstant)
            lines += [
                "BEGIN:VEVENT", "UID:obligation-\(o.id ?? 0)@obligd", "DTSTAMP:\(stamp(now))",
                "SEQUENCE:\(revision)"
            ]
            lines.append("SUMMARY:" + text("\(e.name): \(o.title)" + (o.provisional ? " (provisional)" : "")))
            if o.period.unit.isInstant {
                lines.append("DTSTART:\(stamp(end))")
            } else {
                lines += ["DTSTART;VALUE=DATE:\(day(o.due))", "DTEND;VALUE=DATE:\(day(o.due.adding(days: 1)))"]
            }
            var description = ["Due \(o.due) (\(o.due.weekdayName)) for \(e.name) [\(e.id)]"]
            if let rule {
                description.append("Rule: \(rule.title) (\(rule.id))")
                description.append("Legal basis: \(rule.citation)")
            } else {
                description.append("Custom obligation")
            }
            description.append("Counted: \(o.period) from \(o.start)")
            if o.status == .lapsed { description.append("LAPSED: \(o.closedNote ?? "ended by an event")") }
            if o.provisional {
                description.append("PROVISIONAL: the due day rests on an estimated holiday calendar and may move")
            }
            description.append("obligctl show \(o.id ?? 0) --explain")
            lines.append("DESCRIPTION:" + text(description.joined(separator: "\n")))
            lines.append(
                "CATEGORIES:" + text(["obligd", o.ruleId ?? "custom"].joined(separator: ",")).replacingOccurrences(of: "\\,", with: ","))
            // A lapsed obligation (its certificate suspended or revoked) is cancelled, not deleted: a
            // calendar that showed it takes it off by its UID.
            lines.append("STATUS:\(o.status == .lapsed ? "CANCELLED" : o.provisional ? "TENTATIVE" : "CONFIRMED")")
            lines.append("TRANSP:TRANSPARENT")
            for s in stages {
                lines += [
                    "BEGIN:VALARM", "ACTION:DISPLAY",
                    "DESCRIPTION:" + text("\(s.stage == .due ? "Due" : "Reminder") (\(s.name)): \(o.title)"),
                    "TRIGGER;VALUE=DATE-TIME:\(stamp(s.fireAt))", "END:VALARM"
                ]
            }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    static func stamp(_ i: Instant) -> String {
        i.description.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
    }

    static func day(_ d: CivilDate) -> String { d.description.replacingOccurrences(of: "-", with: "") }

    /// TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma and newlines.
    static func text(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Folds a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1).
    static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        for ch in line {
            let n = String(ch).utf8.count
            if width + n > 75 {
                out += "\r\n "
                width = 1
            }
            out.append(ch)
            width += n
        }
        return out
    }
}
