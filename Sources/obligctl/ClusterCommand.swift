import APIModel
import ArgumentParser
import Foundation

struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "See the nodes sharing obligd's PostgreSQL database.",
        subcommands: [Status.self], defaultSubcommand: Status.self)

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The leader, its lease, and every node with its version and configuration fingerprint.",
            discussion: """
                On PostgreSQL one node, the leader, holds the database's lease and runs the scheduler and delivery; \
                the others serve the API and take over within the lease (plus a third) when it goes. A node whose \
                calendars and rules differ from the leader's (another FINGERPRINT) does not lead while a node that \
                agrees runs: give every node the same configuration. On SQLite obligd is one standalone node. \
                Exit status 1 when no node leads or a live node disagrees.
                """)
        @OptionGroup var client: ClientOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let c = try await client.client().get("/v1/cluster", as: ClusterView.self)
                if json { try printJSON(c) } else { writeOut(Self.text(c)) }
                let leaderless = c.backend != "sqlite" && (c.leaseExpiresInSeconds ?? 0) <= 0
                if leaderless || c.nodes.contains(where: { $0.live && !$0.agrees }) { throw ExitCode(1) }
            }
        }

        static func text(_ c: ClusterView) -> String {
            var out = "\(c.backend): this node \(c.node) is \(c.role), configuration \(c.fingerprint)\n"
            if let leader = c.leader, let epoch = c.epoch {
                let left = c.leaseExpiresInSeconds ?? 0
                out +=
                    "leader \(leader), epoch \(epoch), held \(seconds(c.leaseAgeSeconds ?? 0)), "
                    + (left > 0 ? "expires in \(seconds(left)) unless renewed" : "EXPIRED \(seconds(-left)) ago: no node leads")
                    + "; cluster configuration \(c.clusterFingerprint ?? "-")\n"
            } else if c.backend != "sqlite" {
                out += "no node has led yet\n"
            }
            let rows = c.nodes.map { n in
                [
                    n.name + (n.name == c.node ? " *" : ""), n.role + (n.lastRole.map { " (was \($0))" } ?? ""), n.version,
                    n.fingerprint + (n.agrees ? "" : " DIFFERS"),
                    n.live ? seconds(n.lastSeenSecondsAgo) + " ago" : "gone (" + seconds(n.lastSeenSecondsAgo) + " ago)",
                    seconds(n.upSeconds)
                ]
            }
            return out + Table(header: ["NODE", "ROLE", "VERSION", "FINGERPRINT", "SEEN", "UP"], rows: rows).render()
        }

        static func seconds(_ s: Double) -> String {
            s < 60 ? String(format: "%.1fs", s) : s < 3600 ? "\(Int(s) / 60)m\(Int(s) % 60)s" : "\(Int(s) / 3600)h\(Int(s) % 3600 / 60)m"
        }
    }
}
