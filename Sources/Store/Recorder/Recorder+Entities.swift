import DeadlineKit
import Foundation
import Rules

extension Recorder {
    /// Adds an entity, audited. A bad id, an unknown zone or a region without a calendar is an invalid field with the
    /// fix; an id in use is a conflict. Zone defaults to Asia/Shanghai, region to `cn`.
    package func addEntity(
        id: String, name: String, zone: String?, region: String?, owner: String?, labels: [String: String]
    ) throws -> Entity {
        guard id.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"#, options: .regularExpression) != nil else {
            throw StoreError.invalid(
                field: "id", problem: "'\(id)' is not a valid entity id",
                fix: "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
        try Limits.check(name, field: "name", max: Limits.name)
        if let owner { try Limits.check(owner, field: "owner", max: Limits.name) }
        for (k, v) in labels {
            try Limits.check(k, field: "labels", max: Limits.name)
            try Limits.check(v, field: "labels.\(k)", max: Limits.name)
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError.invalid(field: "name", problem: "is empty", fix: "give the entity's name")
        }
        let zoneId = zone ?? Zone.defaultIdentifier
        do { _ = try Zone(zoneId) } catch {
            throw StoreError.invalid(
                field: "zone", problem: "'\(zoneId)' is not a known time zone", fix: "use an IANA name such as Asia/Shanghai")
        }
        let regionId = region ?? "cn"
        guard config.calendars[regionId] != nil else {
            throw StoreError.invalid(
                field: "region", problem: "no calendar for region '\(regionId)'",
                fix: "use one of: \(config.calendars.keys.sorted().joined(separator: ", "))")
        }
        if try sql.one(Entity.self, "SELECT * FROM entity WHERE id = ?", [id]) != nil {
            throw StoreError.conflict("entity '\(id)' already exists")
        }
        let e = Entity(
            id: id, name: name, zone: zoneId, region: regionId, owner: owner, labels: StringMap(labels), createdAt: now.secondsSinceEpoch)
        try sql.insert(e, returningID: false)
        try audit(.entityCreated, subject: "entity:\(id)", before: nil, after: json(e))
        return e
    }

    /// Sets (or, with nil, clears) attribute `name` of entity `id` to `true` or `false`, audited, and
    /// derives again what rules conditioned on it give: the PI export certification route ends for an
    /// entity that says it is a CIIO, and stops being flagged "condition not stated" once both
    /// attributes are stated. Only attributes the rule packs declare (`entityAttributes`) are taken.
    package func setEntityAttribute(_ id: String, name: String, value: Bool?) throws -> (entity: Entity, outcome: Outcome) {
        var e = try entity(id)
        let declared = config.packs.reduce(into: [String: String]()) { all, pack in
            all.merge(pack.entityAttributes) { a, _ in a }
        }
        guard declared[name] != nil else {
            throw StoreError.invalid(
                field: "attribute", problem: "unknown entity attribute '\(name)'",
                fix: declared.isEmpty ? "the rule packs declare none" : "use one of: \(declared.keys.sorted().joined(separator: ", "))")
        }
        let before = try json(e)
        var values = e.attributes.values
        values[name] = value.map { $0 ? "true" : "false" }
        guard values != e.attributes.values else { return (e, Outcome(factId: 0)) }
        e.attributes = StringMap(values)
        try sql.execute("UPDATE entity SET attributes = ? WHERE id = ?", e.attributes, e.id)
        lookups.entities[e.id] = e
        try audit(
            .entityAttributeSet, subject: "entity:\(e.id)", before: before, after: try json(e),
            note: value.map { "\(name) = \($0)" } ?? "\(name) cleared")
        // What rules conditioned on the attribute give, derived again from the recorded reports.
        var outcome = Outcome(factId: 0)
        let metrics = Set(
            config.rules.compactMap { r -> String? in
                guard r.region == e.region, r.entityConditions.contains(where: { $0.attribute == name }),
                    case let .metric(metric, _, _) = r.trigger
                else { return nil }
                return metric
            })
        for metric in metrics.sorted() {
            let o = try evaluateMetric(entityId: e.id, metric: metric, because: "entity \(e.id): \(name) set")
            outcome.classifications += o.classifications
            outcome.opened += o.opened
            outcome.moved += o.moved
            outcome.unstated += o.unstated
        }
        return (e, outcome)
    }

    /// The attributes a rule's entity conditions read that `e` has not stated, with the words of the
    /// instrument behind each: an obligation or classification given under them is flagged.
    package func unstatedEntityConditions(_ rule: Rule, entity e: Entity) -> [Rule.EntityCondition] {
        guard case let .notStated(names) = Evaluation.check(rule.entityConditions, entity: e.attributes.values) else { return [] }
        return rule.entityConditions.filter { names.contains($0.attribute) }
    }
}
