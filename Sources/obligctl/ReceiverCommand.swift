import APIModel
import ArgumentParser
import Foundation

/// `obligctl receiver list|resume`: where each webhook receiver stands, and resuming a paused one.
struct ReceiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receiver", abstract: "Webhook receivers: queue depth, failures, pauses.",
        discussion: """
            A receiver that answers that its configuration is wrong (a bad secret, token or URL, an IP or \
            keyword check) is paused: what it is owed stays queued in order and obligd re-sends the oldest \
            message as a probe with backoff. After fixing it, `obligctl receiver resume NAME` (or a reload) \
            probes at once; when the receiver accepts, everything it is owed goes out in order.
            """,
        subcommands: [List.self, Resume.self], defaultSubcommand: List.self)

    /// One row per receiver: state, queue depth, age of the oldest pending message, dead letters, error.
    static func table(_ receivers: [ReceiverView]) -> String {
        let rows = receivers.map { r in
            [
                r.name, r.state.rawValue, String(r.pending), r.oldestPendingAgeSeconds.map(age) ?? "-", String(r.dead),
                r.since ?? "-", r.nextProbeAt ?? "-", r.lastError.map { String($0.prefix(100)) } ?? ""
            ]
        }
        return Table(header: ["RECEIVER", "STATE", "PENDING", "OLDEST", "DEAD", "SINCE", "NEXT PROBE", "LAST ERROR"], rows: rows).render()
    }

    /// "45 s", "12 min", "3 h 5 min", "2 d 4 h".
    static func age(_ seconds: Int64) -> String {
        switch seconds {
        case ..<60: "\(seconds) s"
        case ..<3600: "\(seconds / 60) min"
        case ..<86_400: "\(seconds / 3600) h \(seconds % 3600 / 60) min"
        default: "\(seconds / 86_400) d \(seconds % 86_400 / 3600) h"
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each receiver's state and queue.")
        @OptionGroup var client: ClientOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let list = try await client.client().get("/v1/receivers", as: [ReceiverView].self)
                if json { return try printJSON(list) }
                if list.isEmpty { return writeOut("no receivers configured (obligd.json \"receivers\")\n") }
                writeOut(ReceiverCommand.table(list))
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Probe a paused receiver now, after fixing it (audited).")
        @OptionGroup var client: WriteOptions
        @Argument(help: "Receiver name from obligd.json.") var receiver: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let r = try await client.client().post("/v1/receivers/\(receiver)/resume", EmptyBody(), as: ReceiverView.self)
                if json { return try printJSON(r) }
                writeOut(
                    "\(r.name): probing now with the oldest of \(r.pending) queued message\(r.pending == 1 ? "" : "s"); "
                        + "it resumes when the receiver accepts it (obligctl receiver list shows the outcome)\n")
            }
        }
    }
}
