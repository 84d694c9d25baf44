import APIModel
import ArgumentParser

struct MetricCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metric", abstract: "Report metrics (counts) of an entity and see their history.",
        subcommands: [Report.self, History.self])

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report a count, e.g. obligctl metric report acme facial_recognition_individuals 120000 --at 2025-05-20.",
            discussion:
                """
                A metric is a gauge: the count at that date or instant. Late and out-of-order reports are fine: the crossing \
                date is derived from the whole history. Reporting the same value for the same day again records nothing; \
                another value for the same day supersedes the earlier report (audited) and moves or flags what it derived.
                """
        )
        @OptionGroup var client: WriteOptions
        @Argument(help: "Entity id.") var entity: String
        @Argument(help: "Metric name (see obligctl rules show for the metrics a rule uses).") var metric: String
        @Argument(help: "The count.") var value: Int64
        @Option(help: "When it was observed: YYYY-MM-DD (in the entity's zone) or an instant with offset; default now.") var at: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let r = try await client.client().post(
                    "/v1/metrics", MetricReport(entity: entity, metric: metric, value: value, at: at), as: FactResult.self)
                if json { return try printJSON(r) }
                writeOut(FactOutput.render("metric #\(r.id) recorded", r))
            }
        }
    }
}

struct EventCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event", abstract: "Register and list events of an entity.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an event, e.g. obligctl event add acme important_data_notified --at 2025-03-03.")
        @OptionGroup var client: WriteOptions
        @Argument(help: "Entity id.") var entity: String
        @Argument(help: "Event kind (obligctl rules show lists the kinds a rule uses).") var kind: String
        @Option(help: "When: YYYY-MM-DD (entity's zone) or an instant with offset; default now.") var at: String?
        @Option(
            help:
                "Your reference (notice number, ticket); for a certificate suspended, revoked or reinstated, the ref of its issuing event.")
        var ref: String?
        @Option(name: .customLong("attr"), help: "An attribute key=value, e.g. expires=2028-08-31 (repeatable).") var attributes: [String] =
            []
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let body = EventBody(entity: entity, kind: kind, at: at, ref: ref, attributes: try keyValues(attributes, option: "attr"))
                let r = try await client.client().post("/v1/events", body, as: FactResult.self)
                if json { return try printJSON(r) }
                writeOut(FactOutput.render("event #\(r.id) recorded", r))
            }
        }
    }
}

enum FactOutput {
    static func render(_ head: String, _ r: FactResult) -> String {
        if r.duplicate { return head.replacingOccurrences(of: " recorded", with: "") + " was recorded before: nothing new\n" }
        var out = head + (r.superseded.map { " (supersedes report #\($0))" } ?? "") + "\n"
        for o in r.opened {
            out += "opened obligation \(o.id): \(o.title), due \(DueText.due(o))\(o.provisional ? " PROVISIONAL" : "")\n"
        }
        for o in r.moved { out += "moved obligation \(o.id): \(o.title), now due \(DueText.due(o))\n" }
        for c in r.classifications {
            out += c.active ? "classified: \(c.title) since \(c.since)\n" : "no longer classified: \(c.title) since \(c.until ?? "?")\n"
        }
        for o in r.flagged {
            out += "flagged obligation \(o.id): \(o.title) (due \(DueText.due(o))) is no longer given by the facts; "
            out += "it stays open: mark it done, or waive it\n"
        }
        for o in r.lapsed {
            out += "lapsed obligation \(o.id): \(o.title) (was due \(DueText.due(o))): \(o.closedNote ?? "ended by this event"); "
            out += "neither done nor waived, no further reminders\n"
        }
        for o in r.reinstated { out += "reopened obligation \(o.id): \(o.title), due \(DueText.due(o))\n" }
        for o in r.unstated {
            out += "flagged obligation \(o.id): \(o.title): condition not stated (the event lacks an attribute the rule's condition "
            out += "reads; obligctl history \(o.id) says which): opened in case it applies; waive it if it does not\n"
        }
        return out
    }
}
