import APIModel
import ArgumentParser
import Foundation

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Notifications waiting for delivery, delivered, or dead-lettered.",
        subcommands: [List.self, Retry.self, Drop.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Outbox entries with their delivery to each receiver.")
        @OptionGroup var client: ClientOptions
        @Option(help: "pending, dead, delivered or all.") var status: String = "pending"
        @Option(help: "Only the change notices sent in this digest (the id a digest message names).") var digest: String?
        @Option(help: "At most this many.") var limit: Int = 100
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let path = "/v1/outbox?status=\(query(status))&limit=\(limit)" + (digest.map { "&digest=\(query($0))" } ?? "")
                let list = try await client.client().get(path, as: [OutboxView].self)
                if json { return try printJSON(list) }
                let receivers = try await client.client().get("/v1/receivers", as: [ReceiverView].self)
                if !receivers.isEmpty { writeOut(ReceiverCommand.table(receivers) + "\n") }
                if list.isEmpty { return writeOut("outbox: nothing \(status)\n") }
                var rows: [[String]] = []
                for o in list {
                    let deliveries =
                        o.deliveries.isEmpty
                        ? "journal only"
                        : o.deliveries.map { d in
                            "\(d.receiver): \(d.status)\(d.attempts > 0 ? " (\(d.attempts) tries)" : "")\(d.lastError.map { ", \($0)" } ?? "")"
                        }.joined(separator: "; ")
                    rows.append([o.id, o.createdAt, o.kind, o.obligation.map(String.init) ?? "-", deliveries])
                }
                writeOut(Table(header: ["ID", "CREATED", "KIND", "OBLIGATION", "DELIVERIES"], rows: rows).render())
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send dead-lettered notifications again, with a fresh retry budget.",
            discussion: """
                Give an outbox id (from obligctl outbox list --status dead), or --receiver NAME --all to send \
                every dead letter of that receiver again, in the order they were first queued.
                """)
        @OptionGroup var client: WriteOptions
        @Argument(help: "Outbox id.") var id: String?
        @Option(help: "Only to this receiver.") var receiver: String?
        @Flag(help: "Every dead letter of --receiver, in order.") var all = false
        @Flag(help: "Print JSON.") var json = false

        func validate() throws {
            if all {
                guard receiver != nil else { throw ValidationError("--all needs --receiver NAME") }
                guard id == nil else { throw ValidationError("give an outbox id or --all, not both") }
            } else if id == nil {
                throw ValidationError("give an outbox id, or --receiver NAME --all")
            }
        }

        func run() async throws {
            try await runClient {
                let r: OutboxActionResult
                if let id {
                    r = try await client.client().post(
                        "/v1/outbox/\(id)/retry", OutboxActionBody(receiver: receiver), as: OutboxActionResult.self)
                } else {
                    r = try await client.client().post("/v1/receivers/\(receiver!)/retry", EmptyBody(), as: OutboxActionResult.self)
                }
                if json { return try printJSON(r) }
                writeOut("\(r.changed) deliver\(r.changed == 1 ? "y" : "ies") queued again\n")
            }
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give up a notification (audited; a reason is required).")
        @OptionGroup var client: WriteOptions
        @Argument(help: "Outbox id.") var id: String
        @Option(help: "Only for this receiver.") var receiver: String?
        @Option(help: "Why.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let r = try await client.client().post(
                    "/v1/outbox/\(id)/drop", OutboxActionBody(receiver: receiver, reason: reason), as: OutboxActionResult.self)
                if json { return try printJSON(r) }
                writeOut("\(r.changed) deliver\(r.changed == 1 ? "y" : "ies") dropped\n")
            }
        }
    }
}

struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Check webhook receivers.", subcommands: [Test.self])

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a sample message to RECEIVER and report its answer (nothing is queued).")
        @OptionGroup var client: WriteOptions
        @Argument(help: "Receiver name from obligd.json.") var receiver: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let r = try await client.client().post("/v1/receivers/\(receiver)/test", EmptyBody(), as: TestSendView.self)
                if json { return try printJSON(r) }
                writeOut(
                    "\(r.receiver): \(r.verdict) (HTTP \(r.httpStatus.map(String.init) ?? "none"), \(r.milliseconds) ms)\n\(r.answer)\n")
                if !r.delivered { throw ExitCode(1) }
            }
        }
    }
}
