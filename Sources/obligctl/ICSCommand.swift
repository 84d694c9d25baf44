import ArgumentParser
import Foundation

struct ICSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ics", abstract: "The open obligations as an iCalendar file, for a calendar client.",
        discussion: """
            Each open obligation is an all-day event on its due day (a timed event for an instant deadline such as an \
            incident report) with an alarm per reminder stage, a stable UID (obligation-ID@obligd) and a SEQUENCE that \
            grows whenever it changes, so a re-imported file updates the events instead of duplicating them. The \
            description gives the rule, its legal basis, and says when the day is provisional.
            """)
    @OptionGroup var client: ClientOptions
    @Option(help: "Only this entity.") var entity: String?
    @Option(name: .shortAndLong, help: "Write to this file instead of stdout.") var output: String?

    func run() async throws {
        try await runClient {
            let text = try await client.client().getText("/v1/calendar.ics" + (entity.map { "?entity=\(query($0))" } ?? ""))
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
                    throw UsageFailure("cannot write \(output); check the directory and its permissions")
                }
            } else {
                writeOut(text)
            }
        }
    }
}
