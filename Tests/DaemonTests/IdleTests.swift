import Foundation
import Testing

/// While nothing is due, obligd sleeps: no thread of the process wakes up. Counted with the kernel's
/// context-switch counters of every thread, which a periodic timer (a date cache, a polling loop,
/// libdispatch's workqueue monitor) would raise.
@Suite(.serialized) struct IdleTests {
    /// (voluntary + involuntary) context switches per thread id.
    static func switches(of pid: Int32) -> [String: Int] {
        var result: [String: Int] = [:]
        let tasks = "/proc/\(pid)/task"
        for tid in (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? [] {
            guard let status = try? String(contentsOfFile: "\(tasks)/\(tid)/status", encoding: .utf8) else { continue }
            let n = status.split(separator: "\n").filter { $0.hasSuffix("_ctxt_switches:") == false && $0.contains("ctxt_switches:") }
                .compactMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) }.reduce(0, +)
            result[tid] = n
        }
        return result
    }

    @Test(.enabled(if: DaemonBackend.isSQLite, "a PostgreSQL node renews its lease and heartbeat every few seconds, by design"))
    func anIdleDaemonWakesNoThread() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        // Some work first: an obligation due in a year (the scheduler sleeps on it), a delivery pass.
        _ = try await d.request("POST", "/v1/entities", json: ["id": "idle", "name": "Idle"])
        _ = try await d.request("POST", "/v1/events", json: ["entity": "idle", "kind": "important_data_notified"])
        // libdispatch's idle workers exit once after 5 s without work; wait for that.
        try await Task.sleep(for: .seconds(6))
        let pid = try #require(d.process?.processIdentifier)
        let before = Self.switches(of: pid)
        try await Task.sleep(for: .seconds(3))
        let after = Self.switches(of: pid)
        let woke = after.compactMap { tid, n in before[tid].flatMap { n > $0 ? "thread \(tid): +\(n - $0)" : nil } }
        #expect(woke.isEmpty, "threads woke while idle: \(woke.joined(separator: ", "))")
        #expect(!before.isEmpty)
    }
}
