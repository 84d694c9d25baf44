import APIModel
import ArgumentParser
import Foundation

struct EntityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entity", abstract: "Add, list and show the entities obligd tracks, and set what rules read of them.",
        subcommands: [Add.self, List.self, Show.self, SetAttribute.self])

    struct SetAttribute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Set an attribute rules read, e.g. obligctl entity set acme ciio true (audited).",
            discussion: """
                The attributes are those the rule pack declares (entityAttributes): ciio (a critical information \
                infrastructure operator) and important_data (the PI it exports includes important data), each true \
                or false; 'none' clears one. The PI export certification route is only for an entity with both \
                false: one with either true is not classified, one that has not stated them is classified and \
                flagged "condition not stated".
                """)
        @OptionGroup var client: WriteOptions
        @Argument(help: "Entity id.") var id: String
        @Argument(help: "Attribute, e.g. ciio or important_data.") var attribute: String
        @Argument(help: "true, false, or none to clear it.") var value: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let parsed: Bool?
                switch value {
                case "true": parsed = true
                case "false": parsed = false
                case "none": parsed = nil
                default: throw ValidationError("value '\(value)' is not true, false or none")
                }
                let path = "/v1/entities/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)/attributes"
                let r = try await client.client().post(
                    path, EntityAttributeBody(attribute: attribute, value: parsed), as: EntityAttributeResult.self)
                if json { return try printJSON(r) }
                var out = "entity \(r.entity.id): \(attribute) " + (parsed.map { "= \($0)" } ?? "cleared") + "\n"
                for c in r.classifications {
                    out += c.active ? "classified: \(c.title) since \(c.since)\n" : "no longer classified: \(c.title)\n"
                }
                for o in r.unstated {
                    out += "flagged obligation \(o.id): \(o.title): condition not stated (obligctl history \(o.id))\n"
                }
                writeOut(out)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register an entity (a company or unit).")
        @OptionGroup var client: WriteOptions
        @Argument(help: "Short id, e.g. acme-sh.") var id: String
        @Argument(help: "Name, e.g. \"ACME Shanghai Ltd\".") var name: String
        @Option(help: "IANA zone its legal days are counted in.") var zone: String?
        @Option(help: "Calendar region.") var region: String?
        @Option(help: "Who answers for it.") var owner: String?
        @Option(name: .customLong("label"), help: "A label key=value (repeatable).") var labels: [String] = []
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let e = try await client.client().post(
                    "/v1/entities",
                    EntityBody(
                        id: id, name: name, zone: zone, region: region, owner: owner,
                        labels: try keyValues(labels, option: "label")), as: EntityView.self)
                if json { try printJSON(e) } else { writeOut("entity \(e.id) added (\(e.zone), region \(e.region))\n") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "All entities.")
        @OptionGroup var client: ClientOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let list = try await client.client().get("/v1/entities", as: [EntityView].self)
                if json { return try printJSON(list) }
                writeOut(
                    Table(
                        header: ["ID", "NAME", "ZONE", "REGION", "OWNER"],
                        rows: list.map { [$0.id, $0.name, $0.zone, $0.region, $0.owner ?? "-"] }
                    ).render())
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One entity and its obligations.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Entity id.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let c = client.client()
                let e = try await c.get(
                    "/v1/entities/\(id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? id)", as: EntityView.self)
                let obligations = try await c.get("/v1/obligations?status=all&entity=\(query(id))", as: [ObligationView].self)
                let classifications = try await c.get("/v1/classifications?entity=\(query(id))", as: [ClassificationView].self)
                let retention = try await c.get("/v1/retention?entity=\(query(id))", as: [RetentionView].self)
                if json {
                    return try printJSON(
                        EntityDetail(entity: e, obligations: obligations, classifications: classifications, retention: retention))
                }
                writeOut("\(e.id): \(e.name)\nzone \(e.zone), region \(e.region), owner \(e.owner ?? "-")\n")
                if !e.attributes.isEmpty {
                    writeOut(
                        "attributes: " + e.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                            + "\n")
                }
                if !e.labels.isEmpty {
                    writeOut("labels: " + e.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "\n")
                }
                writeOut("\n" + ObligationTable.render(obligations))
                if !classifications.isEmpty { writeOut("\nclassifications:\n" + ClassificationText.render(classifications)) }
                if !retention.isEmpty { writeOut("\nkeep until:\n" + RetentionText.render(retention)) }
            }
        }
    }
}

/// `entity show --json`: the entity's fields, its obligations (as `list --json` gives them), the
/// classifications that hold and its keep-until days.
struct EntityDetail: Encodable {
    var entity: EntityView
    var obligations: [ObligationView]
    var classifications: [ClassificationView]
    var retention: [RetentionView]

    func encode(to encoder: Encoder) throws {
        try entity.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(obligations, forKey: .obligations)
        try c.encode(classifications, forKey: .classifications)
        try c.encode(retention, forKey: .retention)
    }

    enum Key: String, CodingKey { case obligations, classifications, retention }
}

func query(_ s: String) -> String {
    var allowed = CharacterSet.urlQueryAllowed
    allowed.remove(charactersIn: "&=+")
    return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
}
