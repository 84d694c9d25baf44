import Foundation

/// Reminder stages overridden in `obligd.json` (key `reminders`), per rule and per entity:
/// `{"reminders": {"rules": {"cn.pipo.report": {"before": ["-14d"], "dueDayAt": "10:00"}}, "entities": {"acme": {...}}}}`.
package struct ReminderSettings: Sendable {
    /// Policies by rule id; they replace the rule's own stages.
    package var rules: [String: ReminderPolicy] = [:]
    /// Policies by entity id; they win over rule overrides, for every obligation of that entity.
    package var entities: [String: ReminderPolicy] = [:]

    /// No overrides: every obligation uses its rule's or the pack's stages.
    package init() {}

    static func parse(_ data: Data, file: String) throws(ConfigError) -> ReminderSettings {
        let root = try JSONObject.parse(data, file: file)
        var settings = ReminderSettings()
        guard let r = try root.optionalObject("reminders") else { return settings }
        try r.onlyKeys(["rules", "entities"])
        if let rules = try r.optionalObject("rules") {
            for key in rules.values.keys { settings.rules[key] = try RulePack.parseReminders(try rules.object(key)) }
        }
        if let entities = try r.optionalObject("entities") {
            for key in entities.values.keys { settings.entities[key] = try RulePack.parseReminders(try entities.object(key)) }
        }
        return settings
    }
}

extension Configuration {
    /// The stages for an obligation: an entity override, else a rule override, else the rule's own,
    /// else the pack's default.
    package func reminderPolicy(rule ruleId: String?, entity: String) -> ReminderPolicy {
        if let p = reminders.entities[entity] { return p }
        if let ruleId, let p = reminders.rules[ruleId] { return p }
        if let ruleId, let rule = rule(ruleId) { return rule.reminders }
        return packs.first?.defaultReminders ?? ReminderPolicy(before: [], dueDayAtMinutes: nil, overdueEvery: nil)
    }
}
