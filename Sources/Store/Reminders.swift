import DeadlineKit
import Rules

/// The reminder plan of a stored obligation under the configuration in force, on the working-day
/// calendar of the entity's region (the one its due day was counted in).
package enum Reminders {
    /// The plan of `o` under the policy in force for its rule and entity; `zone` saves parsing the entity's again when
    /// the caller has it. An unknown zone throws.
    package static func plan(for o: Obligation, entity: Entity, config: Rules.Configuration, zone: Zone? = nil) throws -> ReminderPlan {
        let policy = config.reminderPolicy(rule: o.ruleId, entity: entity.id)
        return ReminderPlan(
            policy: policy, due: o.due, dueInstant: Instant(secondsSinceEpoch: o.dueInstant),
            instantDeadline: o.period.unit.isInstant, zone: try zone ?? Zone(entity.zone), calendar: config.calendars[entity.region])
    }
}
