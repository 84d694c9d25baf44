import Store

/// Which notifications a receiver takes. Each list narrows the match; an empty list matches everything.
/// A receiver with several routes takes a notification if any route matches; one with none takes all.
package struct Route: Sendable, Equatable {
    package var entities: [String] = []
    /// Rule ids; "custom" matches obligations without a rule.
    package var rules: [String] = []
    /// Reminder stages: `due`, `before:-7d`, `overdue:1`, or a family: `before`, `overdue`. A route
    /// with stages matches only reminders.
    package var stages: [String] = []
    package var severities: [Severity] = []
    package var kinds: [NotificationKind] = []
    /// Escalation: only overdue reminders at least this many seconds past the deadline (`overdueFor`,
    /// e.g. "+1d"), so a receiver for managers hears of what is still open a day late, not of every
    /// reminder.
    package var overdueForSeconds: Int64?

    package init(
        entities: [String] = [], rules: [String] = [], stages: [String] = [], severities: [Severity] = [], kinds: [NotificationKind] = [],
        overdueForSeconds: Int64? = nil
    ) {
        self.entities = entities
        self.rules = rules
        self.stages = stages
        self.severities = severities
        self.kinds = kinds
        self.overdueForSeconds = overdueForSeconds
    }

    package func matches(_ n: Notification) -> Bool {
        if !entities.isEmpty, !entities.contains(n.entity) { return false }
        if !rules.isEmpty, !rules.contains(n.rule.isEmpty ? "custom" : n.rule) { return false }
        if !severities.isEmpty, !severities.contains(n.severity) { return false }
        if !kinds.isEmpty, !kinds.contains(n.kind) { return false }
        if let minimum = overdueForSeconds {
            guard n.overdueIndex != nil, let at = n.scheduledAt, at - n.dueInstant >= minimum else { return false }
        }
        if !stages.isEmpty {
            guard let stage = n.stageName else { return false }
            guard stages.contains(where: { stage == $0 || stage.hasPrefix($0 + ":") }) else { return false }
        }
        return true
    }
}
