import Foundation
import TestSupport
import Testing

/// PostgreSQL restarted under a cluster (#16): two obligd nodes take writes through the restart,
/// reconnect by themselves, lose no acknowledged write, and the leader goes on firing and delivering.
///
/// Why a server of its own: a restart cuts every connection to the server, so the test starts one
/// with `scripts/postgres-test-server` in a temporary directory instead of restarting the one other
/// tests use. The restart is a fast shutdown (clients cut off mid-transaction), as an operator's
/// `systemctl restart postgresql` makes it.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct PostgresRestartTests {
    let script = repositoryRoot().appendingPathComponent("scripts/postgres-test-server").path

    /// Runs `scripts/postgres-test-server COMMAND DIR`, its output to a file: the server it starts
    /// must not hold a pipe of the test's. Returns what it printed; throws when it fails.
    func server(_ command: String, _ dir: URL) async throws -> String {
        let output = dir.appendingPathComponent("\(command).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: script)
        p.arguments = [command, dir.path]
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = try FileHandle(forWritingTo: output)
        p.standardError = p.standardOutput
        try p.run()
        let end = ContinuousClock.now + .seconds(60)
        while p.isRunning {
            if ContinuousClock.now > end {
                p.terminate()
                throw TestFailure("postgres-test-server \(command) took over 60 s")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        if p.terminationStatus != 0 { throw TestFailure("postgres-test-server \(command) failed: \(text)") }
        return text
    }

    @Test func nodesReconnectAfterARestartDuringWritesAndLoseNothingAcknowledged() async throws {
        let server = try makeTemporaryDirectory("pg")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: server.path)
        defer {
            _ = try? runProcess(script, ["stop", server.path], timeout: .seconds(60))
            try? FileManager.default.removeItem(at: server)
        }
        let url = try await self.server("start", server).trimmingCharacters(in: .whitespacesAndNewlines)

        let receiver = WebhookReceiver()
        let port = try await receiver.start()
        defer { receiver.stop() }
        let conf = try receiver.configDirectory(port: port)
        let a = try ClusterProcess(database: url, config: conf)
        try await a.start()
        try await eventually("a leader") { try await a.cluster().role == "leader" }
        let b = try ClusterProcess(database: url, config: conf)
        try await b.start()
        #expect(try await a.request("POST", "/v1/entities", json: ["id": "acme", "name": "Acme"]).status == 201)

        // Two writers per node report values below every threshold, each remembering what was
        // acknowledged, and when.
        let log = ClusterFailoverTests.Shared<[(value: Int, node: Int, at: Date)]>([])
        let counter = ClusterFailoverTests.Shared(0)
        var writers: [Task<Void, Never>] = []
        for (k, node) in [a, b, a, b].enumerated() {
            writers.append(
                Task {
                    while !Task.isCancelled {
                        let value =
                            1000
                            + counter.withLock {
                                $0 += 1
                                return $0
                            }
                        let body: [String: Any] = ["entity": "acme", "metric": ClusterFailoverTests.metric, "value": value]
                        if let r = try? await node.request("POST", "/v1/metrics", json: body, timeout: .seconds(5)), r.status == 201 {
                            log.withLock { $0.append((value, k % 2, Date())) }
                        }
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                })
        }
        defer { writers.forEach { $0.cancel() } }
        try await Task.sleep(for: .seconds(2))
        _ = try await self.server("restart", server)
        let back = Date()

        // Both nodes take writes again, and the leader fires and delivers a reminder due after it.
        try await eventually("writes acknowledged by both nodes after the restart", timeout: .seconds(20)) {
            Set(log.withLock { $0 }.filter { $0.at > back }.map(\.node)) == [0, 1]
        }
        let start = ISO8601DateFormatter().string(from: Date())
        try await eventually("an obligation created through the follower after the restart", timeout: .seconds(10)) {
            let body: [String: Any] = ["entity": "acme", "title": "after", "start": start, "period": "+3s"]
            return try await b.request("POST", "/v1/obligations", json: body).status == 201
        }
        try await eventually("its reminder delivered", timeout: .seconds(20)) { receiver.dueReminder("after") != nil }
        writers.forEach { $0.cancel() }
        for w in writers { await w.value }

        let acknowledged = log.withLock { $0 }.map(\.value)
        let reports = try await a.get("/v1/metrics?entity=acme&metric=\(ClusterFailoverTests.metric)") as? [[String: Any]] ?? []
        let stored = Set(reports.compactMap { $0["value"] as? Int })
        let lost = acknowledged.filter { !stored.contains($0) }
        #expect(acknowledged.count > 20, "the writers got writes in")
        #expect(lost.isEmpty, "acknowledged and lost: \(lost.prefix(20))")
        #expect(a.process.isRunning && b.process.isRunning, "both nodes stayed up")
        let roles = [try await a.cluster().role, try await b.cluster().role].sorted()
        #expect(roles == ["follower", "leader"], "\(roles)")
        try await a.stop()
        try await b.stop()
    }
}
