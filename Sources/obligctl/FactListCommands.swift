import APIModel
import ArgumentParser
import Foundation

extension EventCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The recorded events, oldest first: id, entity, kind, when, reference (retracted ones with --all).")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only this entity.") var entity: String?
        @Option(help: "Only this kind.") var kind: String?
        @Flag(help: "Include retracted events.") var all = false
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            try await runClient {
                var q: [String] = []
                if let entity { q.append("entity=\(query(entity))") }
                if let kind { q.append("kind=\(query(kind))") }
                if all { q.append("all=true") }
                let list = try await client.client().get("/v1/events?" + q.joined(separator: "&"), as: [EventView].self)
                if json { return try printJSON(list) }
                if list.isEmpty { return writeOut("no events\n") }
                writeOut(
                    Table(
                        header: ["ID", "ENTITY", "KIND", "AT", "REF", "ATTRIBUTES"],
                        rows: list.map { e in
                            let attributes = e.attributes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                            let retracted = e.retracted.map { " RETRACTED: \($0.note)" } ?? ""
                            return [String(e.id), e.entity, e.kind, e.day ?? e.atLocal, e.ref ?? "-", attributes + retracted]
                        }
                    ).render())
            }
        }
    }
}

extension MetricCommand {
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every report of one metric of an entity, in the order observed, with the superseded and retracted ones.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "Entity id.") var entity: String
        @Argument(help: "Metric name.") var metric: String
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            try await runClient {
                let list = try await client.client().get(
                    "/v1/metrics?entity=\(query(entity))&metric=\(query(metric))", as: [MetricReportView].self)
                if json { return try printJSON(list) }
                if list.isEmpty { return writeOut("no reports of \(metric) for \(entity)\n") }
                writeOut(
                    Table(
                        header: ["ID", "OBSERVED", "VALUE", "RECORDED", "STATUS"],
                        rows: list.map { m in
                            let status =
                                m.retracted.map { r in r.supersededBy.map { "superseded by #\($0)" } ?? "retracted: \(r.note)" } ?? "counts"
                            return [String(m.id), m.observedLocal, String(m.value), m.recordedAt, status]
                        }
                    ).render())
            }
        }
    }
}

struct FactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fact", abstract: "Correct recorded facts.", subcommands: [Retract.self])

    struct Retract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retract a recorded event or metric report (audited); what it derived is moved or flagged.",
            discussion: """
                FACT is event:ID (obligctl event list) or metric:ID (obligctl metric history). A retracted fact is kept, \
                marked retracted, and no longer derives anything: a metric's thresholds are derived again from the other \
                reports (obligations move, or are flagged when nothing gives them any more); an event's open obligations \
                are flagged. Flagged obligations stay open until a person marks them done or waives them.
                """)
        @OptionGroup var client: WriteOptions
        @Argument(help: "event:ID or metric:ID.") var fact: String
        @Option(help: "Why (recorded in the audit trail).") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let parts = fact.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, ["event", "metric"].contains(parts[0]), let id = Int64(parts[1]), id > 0 else {
                    throw UsageFailure(
                        "'\(fact)' is not a fact; give event:ID or metric:ID, e.g. obligctl fact retract event:12 --reason ...")
                }
                let path = parts[0] == "event" ? "events" : "metrics"
                let r = try await client.client().post("/v1/\(path)/\(id)/retract", RetractBody(reason: reason), as: FactResult.self)
                if json { return try printJSON(r) }
                writeOut(FactOutput.render("\(fact) retracted", r))
            }
        }
    }
}
