import Rules
import Store

/// Which notifications a receiver takes. Each list narrows the match; an empty list matches everything.
/// A receiver with several routes takes a notification if any route matches; one with none takes all.
package struct Route: Sendable, Equatable {
    /// Entity ids the route takes.
    package var entities: [String] = []
    /// Rule ids; "custom" matches obligations without a rule.
    package var rules: [String] = []
    /// Reminder stages: `due`, `before:-7d`, `overdue:1`, or a family: `before`, `overdue`. A route
    /// with stages matches only reminders.
    package var stages: [ReminderStageFilter] = []
    /// Severities the route takes (e.g. only `error` and `warning`).
    package var severities: [Severity] = []
    /// Notification kinds the route takes (e.g. only `reminder`).
    package var kinds: [NotificationKind] = []
    /// Escalation: only overdue reminders at least this late (`overdueFor`, e.g. "+2wd" or "+4h"), so a
    /// receiver for managers hears of what is still open two working days late, not of every reminder.
    package var overdueFor: OverdueThreshold?

    /// A route; every list left empty matches everything.
    package init(
        entities: [String] = [], rules: [String] = [], stages: [ReminderStageFilter] = [], severities: [Severity] = [],
        kinds: [NotificationKind] = [], overdueFor: OverdueThreshold? = nil
    ) {
        self.entities = entities
        self.rules = rules
        self.stages = stages
        self.severities = severities
        self.kinds = kinds
        self.overdueFor = overdueFor
    }

    /// Whether every non-empty list of the route (and `overdueFor`) admits notification `n`.
    package func matches(_ n: Notification) -> Bool {
        if !entities.isEmpty, !entities.contains(n.entity) { return false }
        if !rules.isEmpty, !rules.contains(n.rule.isEmpty ? "custom" : n.rule) { return false }
        if !severities.isEmpty, !severities.contains(n.severity) { return false }
        if !kinds.isEmpty, !kinds.contains(n.kind) { return false }
        if let overdueFor {
            guard n.overdueIndex != nil, overdueFor.isReached(by: n) else { return false }
        }
        if !stages.isEmpty {
            guard let stage = n.stage, stages.contains(where: { $0.matches(stage) }) else { return false }
        }
        return true
    }
}

/// How late an overdue reminder must be for an escalation route: a time past the due instant, or
/// working days past the due day (an overdue reminder of a day deadline carries how many).
package enum OverdueThreshold: Sendable, Equatable {
    case seconds(Int64)
    case workingDays(Int)

    func isReached(by n: Notification) -> Bool {
        switch self {
        case let .seconds(minimum):
            guard let at = n.scheduledAt else { return false }
            return at - n.dueInstant >= minimum
        case let .workingDays(minimum):
            // An instant deadline has no working days to count: its time past the instant decides, a
            // day per working day.
            guard let late = n.lateWorkingDays else {
                return n.scheduledAt.map { $0 - n.dueInstant >= Int64(minimum) * 86_400 } ?? false
            }
            return late >= minimum
        }
    }
}
