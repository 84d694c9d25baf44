import Foundation
import Store
import TestSupport
import Testing

/// obligd nodes on one PostgreSQL database, as real processes: every node serves the API, one leads;
/// a leader killed or stalled is replaced within its lease and what fell due meanwhile still goes
/// out, once; a stalled leader that wakes up steps down and sends nothing; a node with other rules
/// says so and does not lead while a node with the cluster's rules runs.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason), .serialized)
struct ClusterTests {
    /// A custom obligation through `node`, due `seconds` from now; returns when it is due.
    func due(_ node: ClusterProcess, _ title: String, in seconds: Int) async throws -> Date {
        let now = Date()
        let start = ISO8601DateFormatter().string(from: now)
        let r = try await node.request(
            "POST", "/v1/obligations", json: ["entity": "acme", "title": title, "start": start, "period": "+\(seconds)s"])
        #expect(r.status == 201, "\(String(describing: r.body))")
        return Date(timeIntervalSince1970: floor(now.timeIntervalSince1970) + Double(seconds))
    }

    /// Waits for the on-due reminder of `title` and checks it came within `slack` seconds of `due`.
    func expectReminder(_ receiver: WebhookReceiver, _ title: String, due: Date, within slack: Double) async throws {
        try await eventually("the reminder of \(title)", timeout: .seconds(30)) { receiver.dueReminder(title) != nil }
        let first = receiver.dueReminder(title)!
        #expect(first.timeIntervalSince(due) < slack, "\(title): \(first.timeIntervalSince(due)) s after it fell due")
        #expect(first.timeIntervalSince(due) > -0.5, "\(title): before it fell due")
    }

    @Test func followersServeTheAPIAndALeaderKilledOrStalledIsReplacedWithoutDuplicates() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let receiver = WebhookReceiver()
            let port = try await receiver.start()
            defer { receiver.stop() }
            let conf = try receiver.configDirectory(port: port)
            let url = db.url.description
            let a = try ClusterProcess(database: url, config: conf)
            try await a.start()
            try await eventually("a leads") { try await a.cluster().role == "leader" }
            let b = try ClusterProcess(database: url, config: conf)
            try await b.start()
            try await eventually("b follows a") { try await b.cluster() == ("follower", a.name) }

            // Writes through the follower land, and wake the leader at once (NOTIFY).
            #expect(try await b.request("POST", "/v1/entities", json: ["id": "acme", "name": "Acme"]).status == 201)
            let first = try await due(b, "via-follower", in: 2)
            try await expectReminder(receiver, "via-follower", due: first, within: 1.5)

            // The leader dies: b takes over within the lease (3 s) and sends what fell due meanwhile.
            try await a.stop(SIGKILL)
            let second = try await due(b, "after-kill", in: 1)
            try await eventually("b leads after a was killed", timeout: .seconds(10)) { try await b.cluster().role == "leader" }
            try await expectReminder(receiver, "after-kill", due: second, within: 3 + 1 + 1)

            // The leader stalls (SIGSTOP): c takes over; b, resumed, steps down and sends nothing.
            let c = try ClusterProcess(database: url, config: conf)
            try await c.start()
            try await eventually("c follows b") { try await c.cluster() == ("follower", b.name) }
            b.signal(SIGSTOP)
            let third = try await due(c, "after-stall", in: 1)
            try await eventually("c leads while b is stopped", timeout: .seconds(10)) { try await c.cluster().role == "leader" }
            try await expectReminder(receiver, "after-stall", due: third, within: 3 + 1 + 1)
            b.signal(SIGCONT)
            try await eventually("b, resumed, follows c") { try await b.cluster() == ("follower", c.name) }
            let fourth = try await due(b, "after-resume", in: 1)
            try await expectReminder(receiver, "after-resume", due: fourth, within: 1.5)
            try await Task.sleep(for: .seconds(2))

            for title in ["via-follower", "after-kill", "after-stall", "after-resume"] {
                let byStage = Dictionary(grouping: receiver.reminders(title), by: \.stage).mapValues { Set($0.map(\.id)) }
                #expect(byStage.values.allSatisfy { $0.count == 1 }, "\(title): one webhook-id per stage, got \(byStage)")
            }
            #expect(receiver.badSignatures.withLock { $0 } == 0)

            let status = try obligctl(["cluster", "status"], socket: b.socket)
            #expect(status.status == 0, "\(status)")
            #expect(status.stdout.contains("leader \(c.name), epoch 3"), "\(status.stdout)")
            let json = try obligctl(["cluster", "status", "--json"], socket: c.socket)
            let view = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any] ?? [:]
            let nodes = (view["nodes"] as? [[String: Any]] ?? []).map { ($0["name"] as? String ?? "", $0["live"] as? Bool ?? false) }
            #expect(Set(nodes.map(\.0)) == [a.name, b.name, c.name], "\(json.stdout)")
            #expect(nodes.first { $0.0 == a.name }?.1 == false, "the killed node is not live")
            // The killed leader is listed as down with its last role, not as a second leader (#34).
            let killed = (view["nodes"] as? [[String: Any]] ?? []).first { $0["name"] as? String == a.name } ?? [:]
            #expect(killed["role"] as? String == "down" && killed["lastRole"] as? String == "leader", "\(json.stdout)")
            let leaders = (view["nodes"] as? [[String: Any]] ?? []).filter { $0["role"] as? String == "leader" }
            #expect(leaders.map { $0["name"] as? String } == [c.name], "one leader listed: \(json.stdout)")
            let line = status.stdout.split(separator: "\n").first { $0.hasPrefix(a.name) } ?? ""
            #expect(line.contains("down (was leader)"), "\(status.stdout)")
            try await c.stop()
            try await b.stop()
            #expect(c.process.terminationStatus == 0 && b.process.terminationStatus == 0, "\(c.log)\n\(b.log)")
        }
    }

    /// A rule pack with one period changed: another configuration fingerprint.
    func otherRules() throws -> URL {
        let conf = try makeTemporaryDirectory("obligd-other-rules")
        try FileManager.default.createDirectory(at: conf.appendingPathComponent("rules"), withIntermediateDirectories: true)
        let pack = try String(contentsOf: repositoryRoot().appendingPathComponent("config/rules/cn.json"), encoding: .utf8)
        let changed = pack.replacingOccurrences(of: "\"+2mo\"", with: "\"+3mo\"")
        #expect(changed != pack)
        try changed.write(to: conf.appendingPathComponent("rules/cn.json"), atomically: true, encoding: .utf8)
        return conf
    }

    @Test func aNodeWithOtherRulesSaysSoAndLeadsOnlyWhenNoNodeSharesTheClustersRules() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let url = db.url.description
            let a = try ClusterProcess(database: url)
            try await a.start()
            try await eventually("a leads") { try await a.cluster().role == "leader" }
            let b = try ClusterProcess(database: url)
            try await b.start()
            let other = try ClusterProcess(database: url, config: try otherRules())
            try await other.start()
            try await eventually("the other node disagrees") { try await other.cluster().role == "disagrees" }
            let health = try await other.get("/v1/health") as? [String: Any] ?? [:]
            #expect(health["status"] as? String == "degraded")
            #expect((health["cluster"] as? String ?? "").contains("CONFIGURATION DIFFERS"), "\(health)")
            let status = try obligctl(["cluster", "status"], socket: a.socket)
            #expect(status.status == 1, "a live node disagrees: \(status)")
            #expect(status.stdout.contains("DIFFERS"), "\(status.stdout)")
            #expect(other.log.contains("CONFIGURATION DIFFERS"), "said loudly in the journal: \(other.log)")

            try await a.stop()
            try await eventually("b, not the other node, takes over") { try await b.cluster().role == "leader" }
            #expect(try await other.cluster().role == "disagrees")
            try await b.stop()
            try await eventually("with no node sharing the old rules, the other node leads", timeout: .seconds(15)) {
                try await other.cluster().role == "leader"
            }
            let after = try await other.get("/v1/health") as? [String: Any] ?? [:]
            #expect(after["status"] as? String == "ready", "\(after)")
            try await other.stop()
        }
    }
}

private func == (a: (role: String, leader: String?, json: [String: Any]), b: (String, String)) -> Bool {
    a.role == b.0 && a.leader == b.1
}
