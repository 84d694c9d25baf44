import DeadlineKit
import Rules

/// The calendar years that decided a due day, as `cn/2026 v1` or `cn/2027 estimated`: an audit names
/// them, and a reload finds the obligations a changed year affects by them. Stored as a JSON array
/// of strings (the reload's filter matches `"cn/2027 ` inside it).
package struct CalendarList: Hashable, Sendable, CustomStringConvertible {
    /// Each year as `region/year vN` or `region/year estimated`, in the order they were consulted.
    package var years: [String]

    /// A list of years as written.
    package init(_ years: [String]) { self.years = years }

    /// The years of the calendars that decided `r` on `calendar`.
    package init(deciding r: DueResult, on calendar: WorkingCalendar) {
        var years: [String] = []
        if let d = r.deadline, let deciding = calendar.yearsDeciding(d.decidingDays.lowerBound, d.decidingDays.upperBound) {
            for y in deciding {
                guard let yc = calendar.year(y) else { continue }
                switch yc.source {
                case let .official(_, _, _, version): years.append("\(calendar.region)/\(y) v\(version)")
                case .estimated: years.append("\(calendar.region)/\(y) estimated")
                }
            }
        }
        self.years = years
    }

    /// The stored form: `["cn/2026 v1","cn/2027 estimated"]` (the names need no escaping).
    package var json: String { "[" + years.map { "\"\($0)\"" }.joined(separator: ",") + "]" }

    /// Reads the stored form; anything else is an empty list.
    package init(json: String) {
        let inner = json.utf8.count >= 2 ? json.dropFirst().dropLast() : ""
        years = inner.isEmpty ? [] : inner.split(separator: ",").map { String($0.trimmingCharacters(in: "\"")) }
    }

    /// The years separated by commas, as explanations and audit notes show them.
    package var description: String { years.joined(separator: ", ") }
}

private extension Substring {
    func trimmingCharacters(in quote: Character) -> Substring {
        var s = self
        while s.first == quote { s = s.dropFirst() }
        while s.last == quote { s = s.dropLast() }
        return s
    }
}
