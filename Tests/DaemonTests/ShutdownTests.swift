import Foundation
import TestSupport
import Testing

/// SIGTERM and SIGINT stop obligd cleanly while clients are writing (#13): in-flight requests finish
/// or fail cleanly, every acknowledged write is kept, and the exit status is 0 with "obligd stopped".
@Suite(.serialized) struct ShutdownTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalUnderConcurrentWritersExitsCleanlyEveryTime(signal: Int32) async throws {
        for attempt in 1...10 {
            let d = try DaemonProcess()
            try await d.start()
            let (created, _) = try await d.request("POST", "/v1/entities", json: ["id": "acme", "name": "Acme"])
            #expect(created == 201)
            let acknowledged = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<16 {
                    group.addTask {
                        for n in 0..<200 {
                            let report: [String: Any] = ["entity": "acme", "metric": "registered_users", "value": writer * 1000 + n]
                            guard let (status, _) = try? await d.request("POST", "/v1/metrics", json: report) else { return }
                            if status == 201 { acknowledged.add() } else { return }
                        }
                    }
                }
                try await Task.sleep(for: .milliseconds(150))
                d.signal(signal)
                _ = try await d.waitForExit(timeout: 20)
                // Requests still waiting in the HTTP client's pool end with the process; no need to wait
                // for the client's own timeout.
                group.cancelAll()
                while (try? await group.next()) != nil {}
            }
            let status = try await d.waitForExit(timeout: 20)
            #expect(status == 0, "attempt \(attempt): exit \(status)\n\(d.logText().suffix(1500))")
            #expect(d.logText().contains("obligd stopped"), "attempt \(attempt)")
            // Every acknowledged report is in the database after the stop.
            let stored = try await d.integer("SELECT count(*) FROM metricObservation")
            #expect(stored ?? -1 >= acknowledged.value, "attempt \(attempt)")
            if status != 0 { return }
        }
    }
}

/// A count shared by concurrent writers.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.withLock { n += 1 } }
    var value: Int { lock.withLock { n } }
}
