import APIModel
import ArgumentParser
import Foundation

/// `obligctl web invite|list|revoke`: who may sign in to the web view on obligd's TCP listener.
struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web", abstract: "Invite people to the web view, list and revoke their access.",
        discussion: """
            The web view runs on the TCP listener (--http-listen HOST:PORT), usually behind a TLS reverse \
            proxy whose URL is obligd.json's "web": {"baseURL": ...}. An invite prints a one-time sign-in \
            link: obligd keeps only a hash of its token; it expires unused after 7 days, and opening it \
            starts a session of 30 days. Readers see every page; writers may also acknowledge, close and \
            waive obligations, audited as web:NAME. Inviting, signing in and revoking are audited.
            """,
        subcommands: [Invite.self, List.self, Revoke.self], defaultSubcommand: List.self)

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invite a person and print the sign-in link (shown only this once).")
        @OptionGroup var client: WriteOptions
        @Argument(help: "The person's name, e.g. li.wei (letters, digits, '.', '_', '-').") var person: String
        @Option(help: "reader (see every page) or writer (also act).") var role = "reader"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let v = try await client.client().post(
                    "/v1/web/invites", WebInviteBody(person: person, role: role), as: WebAccessView.self)
                if json { return try printJSON(v) }
                guard let path = v.path else {
                    // A retry of a request that had made it: the link was given to that attempt only.
                    throw ValidationError(
                        "the invite of \(v.person) was made by an earlier attempt of this request and its link cannot be shown again; "
                            + "revoke it (obligctl web revoke \(v.person)) and invite again")
                }
                if let url = v.url {
                    writeOut("sign-in link for \(v.person) (\(v.role), until \(v.expiresAt)):\n\(url)\n")
                } else {
                    writeOut(
                        "sign-in path for \(v.person) (\(v.role), until \(v.expiresAt)): \(path)\n"
                            + "obligd runs no TCP listener: start it with --http-listen HOST:PORT (and set web.baseURL)\n")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invites and sessions, newest first.")
        @OptionGroup var client: ClientOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let all = try await client.client().get("/v1/web/access", as: [WebAccessView].self)
                if json { return try printJSON(all) }
                writeOut(
                    Table(
                        header: ["KIND", "ID", "PERSON", "ROLE", "STATE", "CREATED", "EXPIRES"],
                        rows: all.map { [$0.kind, String($0.id), $0.person, $0.role, $0.state, $0.createdAt, $0.expiresAt] }
                    ).render())
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End a person's sessions and unused invites.")
        @OptionGroup var client: WriteOptions
        @Argument(help: "The person's name.") var person: String

        func run() async throws {
            try await runClient {
                _ = try await client.client().post("/v1/web/revoke", WebRevokeBody(person: person), as: [WebAccessView].self)
                writeOut("revoked the web access of \(person): its sessions and unused invites have ended\n")
            }
        }
    }
}
