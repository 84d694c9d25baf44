import APIModel
import ArgumentParser
import Foundation

struct ClassificationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classification", abstract: "What entities are classified as (large platform, certification route, ...).",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The classifications that hold, with the day each began, its duties and legal basis (ended ones with --all).")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only this entity.") var entity: String?
        @Flag(help: "Include classifications that ended.") var all = false
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            try await runClient {
                var q = entity.map { ["entity=\(query($0))"] } ?? []
                if all { q.append("all=true") }
                let list = try await client.client().get("/v1/classifications?" + q.joined(separator: "&"), as: [ClassificationView].self)
                if json { return try printJSON(list) }
                writeOut(ClassificationText.render(list))
            }
        }
    }
}

struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "How long records must be kept (network logs ...).", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep-until days from the recorded events of retention rules, soonest first.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Only this entity.") var entity: String?
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            try await runClient {
                let list = try await client.client().get(
                    "/v1/retention" + (entity.map { "?entity=\(query($0))" } ?? ""), as: [RetentionView].self)
                if json { return try printJSON(list) }
                writeOut(RetentionText.render(list))
            }
        }
    }
}

enum ClassificationText {
    static func render(_ list: [ClassificationView]) -> String {
        if list.isEmpty { return "no classifications\n" }
        var out = ""
        for c in list {
            out += "\(c.entity): \(c.title) since \(c.since)" + (c.until.map { ", ended \($0)" } ?? "") + " [\(c.rule)]\n"
            for d in c.duties { out += "  - \(d)\n" }
            out += "  basis: \(c.citation)\n"
        }
        return out
    }
}

enum RetentionText {
    static func render(_ list: [RetentionView]) -> String {
        if list.isEmpty { return "nothing to keep\n" }
        return Table(
            header: ["ENTITY", "KEEP UNTIL", "FROM", "EVENT", "RULE"],
            rows: list.map { [$0.entity, $0.keepUntil, $0.from, "event:\($0.event)", $0.rule] }
        ).render()
    }
}
