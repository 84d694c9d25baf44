import DeadlineKit
import Foundation
import Rules

extension Recorder {
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
}
