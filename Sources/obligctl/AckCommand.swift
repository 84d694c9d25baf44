import APIModel
import ArgumentParser
import Foundation

/// `obligctl ack ID --note ... [--until DATE]`: say that someone has taken an obligation.
struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack", abstract: "Record that you have taken an open obligation (audited); reduces its reminders.",
        discussion: """
            While the acknowledgement holds (until --until, or until the obligation is closed), of the \
            before-stage reminders only the last goes out and overdue reminders come at most once a day. \
            The due-day reminder always goes out. list and show name who acknowledged it.
            """)
    @OptionGroup var client: WriteOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Option(help: "Who does what, e.g. \"Li Wei files it on Friday\".") var note: String
    @Option(help: "Last day it holds (YYYY-MM-DD); default: until the obligation is closed.") var until: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let o = try await client.client().post("/v1/obligations/\(id)/ack", AckBody(note: note, until: until), as: ObligationView.self)
            if json { return try printJSON(o) }
            let a = o.acknowledged
            writeOut("obligation \(o.id) acknowledged by \(a?.by ?? "?")\(a?.until.map { " until \($0)" } ?? ""): \(a?.note ?? note)\n")
        }
    }
}
