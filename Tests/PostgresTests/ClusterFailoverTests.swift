import Foundation
import Synchronization
import TestSupport
import Testing

/// Issue #16's failover test, as real processes on a real PostgreSQL: three nodes, 1,000 reminders
/// due over 20 s, while the leader is killed (SIGKILL) twice and a leader is stalled (SIGSTOP) and
/// resumed. Every reminder reaches the receiver within the lease + 1 s of its instant, none twice
/// under different webhook-ids; writes through every node during the failovers, none acknowledged
/// and lost.
///
/// Not in the default run yet: it fails today (measured 2026-11-25: reminders up to 30 s late, since
/// delivery to one receiver is sequential and costs three PostgreSQL round trips per message, about
/// 30 messages a second, below the 50 a second this test makes due). Run it with
/// `OBLIGD_TEST_FAILOVER=1` (and the PostgreSQL URL) once delivery batches its outcomes.
@Suite(
    .enabled(if: TestPostgres.available && ProcessInfo.processInfo.environment["OBLIGD_TEST_FAILOVER"] == "1", TestPostgres.skipReason),
    .serialized)
struct ClusterFailoverTests {
    let lease = 3.0

    @Test func thousandRemindersThroughTwoKillsAndAStallArriveOnTimeAndOnce() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let receiver = WebhookReceiver()
            let port = try await receiver.start()
            defer { receiver.stop() }
            let conf = try receiver.configDirectory(port: port)
            let url = db.url.description
            let nodes = Shared<[ClusterProcess]>([])
            func launch() async throws -> ClusterProcess {
                let n = try ClusterProcess(database: url, config: conf, leaseSeconds: Int(lease))
                try await n.start()
                nodes.withLock { $0.append(n) }
                return n
            }
            let first = try await launch()
            try await eventually("a leader") { try await first.cluster().role == "leader" }
            _ = try await launch()
            _ = try await launch()
            #expect(try await first.request("POST", "/v1/entities", json: ["id": "acme", "name": "Acme"]).status == 201)

            // 1,000 obligations through the three nodes, due each second from T0 + 1 to T0 + 20.
            let t0 = floor(Date().timeIntervalSince1970) + 25
            var due: [String: Date] = [:]
            let live = nodes.withLock { $0 }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<12 {
                    group.addTask {
                        for i in stride(from: worker, to: 1000, by: 12) {
                            let now = floor(Date().timeIntervalSince1970)
                            let at = t0 + Double(1 + i % 20)
                            let r = try await live[i % 3].request(
                                "POST", "/v1/obligations",
                                json: [
                                    "entity": "acme", "title": "r\(i)",
                                    "start": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: now)),
                                    "period": "+\(Int(at - now))s"
                                ])
                            if r.status != 201 { throw TestFailure("r\(i): \(r.status) \(String(describing: r.body))") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            for i in 0..<1000 { due["r\(i)"] = Date(timeIntervalSince1970: t0 + Double(1 + i % 20)) }
            #expect(Date().timeIntervalSince1970 < t0, "the obligations were created before the first fell due")

            // Writes through every live node all along; each acknowledged one must be there at the end.
            let acknowledged = Shared<[String]>([])
            let writer = Task {
                var k = 0
                while !Task.isCancelled {
                    for n in nodes.withLock({ $0 }) where n.process.isRunning {
                        k += 1
                        let ref = "w\(k)"
                        if let r = try? await n.request(
                            "POST", "/v1/events",
                            json: ["entity": "acme", "kind": "important_data_notified", "at": "2026-03-03", "ref": ref]),
                            r.status == 201
                        {
                            acknowledged.withLock { $0.append(ref) }
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }

            func leader() async -> ClusterProcess? {
                for n in nodes.withLock({ $0 }) where n.process.isRunning {
                    if (try? await n.cluster().role) == "leader" { return n }
                }
                return nil
            }
            func sleep(until offset: Double) async throws {
                let wait = t0 + offset - Date().timeIntervalSince1970
                if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            }
            // T0+3: kill the leader, and start a node in its place (as systemd would).
            try await sleep(until: 3)
            let killed1 = try #require(await leader())
            try await killed1.stop(SIGKILL)
            nodes.withLock { $0.removeAll { $0 === killed1 } }
            _ = try await launch()
            // T0+8: stall the leader; T0+12: kill the one that took over; T0+15: resume the stalled one.
            try await sleep(until: 8)
            let stalled = try await eventuallyLeader(leader)
            stalled.signal(SIGSTOP)
            try await sleep(until: 12)
            let killed2 = try await eventuallyLeader { await leader().flatMap { $0 === stalled ? nil : $0 } }
            try await killed2.stop(SIGKILL)
            nodes.withLock { $0.removeAll { $0 === killed2 } }
            try await sleep(until: 15)
            stalled.signal(SIGCONT)

            try await eventually("all 1,000 reminders", timeout: .seconds(40)) {
                due.keys.allSatisfy { receiver.dueReminder($0) != nil }
            }
            try await Task.sleep(for: .seconds(3))  // anything sent twice would have arrived by now
            writer.cancel()
            await writer.value

            var late: [String] = []
            var twice: [String] = []
            for (title, at) in due {
                let arrived = receiver.dueReminder(title)!
                if arrived.timeIntervalSince(at) > lease + 1 || arrived.timeIntervalSince(at) < -0.5 {
                    late.append("\(title) \(String(format: "%.2f", arrived.timeIntervalSince(at)))s")
                }
                let ids = Set(receiver.reminders(title).filter { $0.stage.hasPrefix(#""stageKey":"due@"#) }.map(\.id))
                if ids.count != 1 { twice.append("\(title): \(ids.count) webhook-ids") }
            }
            #expect(late.isEmpty, "\(late.count) reminders outside lease + 1 s: \(late.sorted().prefix(20))")
            #expect(twice.isEmpty, "\(twice.prefix(20))")
            #expect(receiver.badSignatures.withLock { $0 } == 0)

            let survivor = try #require(await leader())
            let events = try await survivor.get("/v1/events?entity=acme&limit=100000") as? [[String: Any]] ?? []
            let stored = Set(events.compactMap { $0["ref"] as? String })
            let lost = acknowledged.withLock { $0 }.filter { !stored.contains($0) }
            #expect(!acknowledged.withLock { $0 }.isEmpty)
            #expect(lost.isEmpty, "acknowledged and lost: \(lost.prefix(20))")
            for n in nodes.withLock({ $0 }) { try await n.stop() }
        }
    }

    /// A value the test and its writer task share.
    final class Shared<T: Sendable>: Sendable {
        let value: Mutex<T>
        init(_ initial: T) { value = Mutex(initial) }
        func withLock<R>(_ body: (inout T) -> R) -> R { value.withLock { body(&$0) } }
    }

    private func eventuallyLeader(_ find: () async -> ClusterProcess?) async throws -> ClusterProcess {
        var found: ClusterProcess?
        try await eventually("a leader", timeout: .seconds(10)) {
            found = await find()
            return found != nil
        }
        return found!
    }
}
