import APIModel
import ArgumentParser
import Foundation

/// `obligctl feed add|list|revoke`: calendar feeds at unguessable URLs on obligd's read-only TCP
/// listener, for calendar clients that cannot reach the socket.
struct FeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feed", abstract: "Calendar feeds (iCalendar) at secret URLs on the read-only TCP listener.",
        discussion: """
            obligd serves a feed only when it runs with --http-listen HOST:PORT (or $OBLIGD_HTTP_LISTEN). \
            The URL is shown once, when the feed is added: obligd keeps only a hash of its token. Anyone \
            with the URL can read the feed; revoke it when it leaks or its owner leaves, and add a new one. \
            Adding and revoking are audited.
            """,
        subcommands: [Add.self, List.self, Revoke.self], defaultSubcommand: List.self)

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a feed and print its URL (shown only this once).")
        @OptionGroup var client: WriteOptions
        @Option(help: "Whose calendar it is, e.g. \"Li Wei\".") var label: String
        @Option(help: "Only this entity's obligations (default: every entity).") var entity: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let f = try await client.client().post("/v1/feeds", FeedBody(label: label, entity: entity), as: FeedView.self)
                if json { return try printJSON(f) }
                guard f.token != nil else {
                    // A retry of a request that had added it: the URL was given to that attempt only.
                    throw ValidationError(
                        "feed \(f.id) (\(f.label)) was added by an earlier attempt of this request and its URL cannot be shown again; "
                            + "revoke it (obligctl feed revoke \(f.id)) and add a new one")
                }
                if let url = f.url {
                    writeOut("feed \(f.id) (\(f.label)): \(url)\n")
                } else {
                    writeOut(
                        "feed \(f.id) (\(f.label)): path \(f.path ?? "")\n"
                            + "obligd runs no TCP listener: start it with --http-listen HOST:PORT to serve this path\n")
                }
                writeErr("keep the URL secret: obligd cannot show it again (revoke with: obligctl feed revoke \(f.id))\n")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every feed: label, scope, who added it, revoked or not.")
        @OptionGroup var client: ClientOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let feeds = try await client.client().get("/v1/feeds", as: [FeedView].self)
                if json { return try printJSON(feeds) }
                let rows = feeds.map { f in
                    [String(f.id), f.label, f.entity ?? "(all)", f.createdAt, f.createdBy, f.revokedAt.map { "revoked \($0)" } ?? "live"]
                }
                writeOut(Table(header: ["ID", "LABEL", "ENTITY", "ADDED", "BY", "STATE"], rows: rows).render() + "\n")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a feed: its URL answers 404 from now on.")
        @OptionGroup var client: WriteOptions
        @Argument(help: "Feed id (obligctl feed list).") var id: Int64
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let f = try await client.client().post("/v1/feeds/\(id)/revoke", EmptyBody(), as: FeedView.self)
                if json { return try printJSON(f) }
                writeOut("feed \(f.id) (\(f.label)) revoked\n")
            }
        }
    }
}
