/// How urgent a notification is. It decides the journal PRIORITY, the colour a chat card gets, and
/// which routes a notification takes (`severities` in a receiver's routes).
package enum Severity: String, Sendable, CaseIterable, Comparable {
    case error, warning, notice, info

    /// The syslog priority journald stores in `PRIORITY` (err=3, warning=4, notice=5, info=6).
    package var syslogPriority: Int {
        switch self {
        case .error: 3
        case .warning: 4
        case .notice: 5
        case .info: 6
        }
    }

    /// Most urgent first, so `min` of two severities is the more urgent one.
    package static func < (a: Severity, b: Severity) -> Bool { a.syslogPriority < b.syslogPriority }
}
