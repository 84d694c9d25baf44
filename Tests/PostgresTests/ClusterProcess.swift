import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport

/// A real obligd node on a PostgreSQL database, in a state directory of its own, with a short lease
/// so failovers take seconds. Killed at the end of the test if still running.
final class ClusterProcess: @unchecked Sendable {
    let dir: URL
    let process = Process()
    var socket: String { dir.appendingPathComponent("s.sock").path }
    var log: String { (try? String(contentsOfFile: dir.appendingPathComponent("log").path, encoding: .utf8)) ?? "" }
    /// Its name in the cluster (host:pid), once started.
    var name: String { "\(ProcessInfo.processInfo.hostName):\(process.processIdentifier)" }

    /// - Parameters:
    ///   - database: the `--database` URL (with `--lease-seconds`); nil: none on the command line
    ///     (obligd.json in `config` names the server).
    ///   - binary: the obligd to run (the debug build next to the tests unless given).
    ///   - arguments: more of obligd's options.
    init(
        database: String?, config: URL? = nil, leaseSeconds: Int = 3, binary: String = Binaries.obligd, arguments: [String] = []
    ) throws {
        dir = try makeTemporaryDirectory("obligd-pg")
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments =
            ["--state-dir", dir.path, "--socket", socket, "--log-format", "text"]
            + (database.map { ["--database", $0, "--lease-seconds", String(leaseSeconds)] } ?? [])
            + (config.map { ["--config", $0.path] } ?? []) + arguments
        FileManager.default.createFile(atPath: dir.appendingPathComponent("log").path, contents: nil)
        let out = try FileHandle(forWritingTo: dir.appendingPathComponent("log"))
        process.standardOutput = out
        process.standardError = out
    }

    /// Starts it and waits until its API answers; throws when it exited first.
    func start() async throws {
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !process.isRunning { throw TestFailure("obligd exited with \(process.terminationStatus): \(log)") }
            if (try? await get("/v1/health")) != nil { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("obligd on PostgreSQL did not become ready: \(log)")
    }

    func signal(_ sig: Int32) { kill(process.processIdentifier, sig) }

    /// SIGTERM (or `sig`) and wait for the exit.
    func stop(_ sig: Int32 = SIGTERM) async throws {
        guard process.isRunning else { return }
        signal(sig)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
    }

    /// What `GET /v1/cluster` says: this node's role, and the leader.
    func cluster() async throws -> (role: String, leader: String?, json: [String: Any]) {
        // A short timeout: a stalled (SIGSTOPped) node does not answer, and the test must go on.
        let json = try await request("GET", "/v1/cluster", timeout: .seconds(2)).body as? [String: Any] ?? [:]
        return (json["role"] as? String ?? "", json["leader"] as? String, json)
    }

    func get(_ path: String) async throws -> Any? { try await request("GET", path).body }

    /// A request over the node's socket; the status and the decoded JSON body.
    @discardableResult
    func request(
        _ method: String, _ path: String, json: Any? = nil, timeout: TimeAmount = .seconds(30)
    ) async throws -> (status: Int, body: Any?) {
        guard let url = URL(httpURLWithSocketPath: socket, uri: path) else { throw TestFailure("bad socket path") }
        var req = HTTPClientRequest(url: url.absoluteString)
        req.method = .init(rawValue: method)
        if let json { req.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))) }
        let response = try await HTTPClient.shared.execute(req, timeout: timeout)
        let data = Data(try await response.body.collect(upTo: 16 << 20).readableBytesView)
        return (Int(response.status.code), data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

extension WebhookReceiver {
    /// The reminders received for the obligation titled `title`: webhook-id, stage key and arrival.
    func reminders(_ title: String) -> [(id: String, stage: String, at: Date)] {
        ReminderIndex(self).reminders(title)
    }

    /// When the on-due reminder of `title` first arrived, if it did.
    func dueReminder(_ title: String) -> Date? { ReminderIndex(self).dueReminder(title) }
}

/// The reminders a receiver got, by obligation title, parsed once per message: a test that polls
/// for a thousand titles must not scan every body per title (on two cores, that starves the nodes).
final class ReminderIndex: @unchecked Sendable {
    let receiver: WebhookReceiver
    private var parsed = 0
    private var byTitle: [String: [(id: String, stage: String, at: Date)]] = [:]
    private let lock = NSLock()

    init(_ receiver: WebhookReceiver) { self.receiver = receiver }

    /// Parses what arrived since the last call.
    private func update() {
        let new = receiver.seen.withLock { Array($0[min(parsed, $0.count)...]) }
        parsed += new.count
        for s in new where s.body.contains("\"kind\":\"reminder\"") {
            let stage = s.body.range(of: #""stageKey":"[^"]*""#, options: .regularExpression).map { String(s.body[$0]) } ?? ""
            let titles = try! NSRegularExpression(pattern: #""title":"([^"]*)""#)
                .matches(in: s.body, range: NSRange(s.body.startIndex..., in: s.body))
                .compactMap { Range($0.range(at: 1), in: s.body).map { String(s.body[$0]) } }
            for title in Set(titles) { byTitle[title, default: []].append((s.id, stage, s.at)) }
        }
    }

    func reminders(_ title: String) -> [(id: String, stage: String, at: Date)] {
        lock.withLock {
            update()
            return byTitle[title] ?? []
        }
    }

    /// When the on-due reminder of `title` first arrived, if it did.
    func dueReminder(_ title: String) -> Date? {
        reminders(title).filter { $0.stage.hasPrefix(#""stageKey":"due@"#) }.map(\.at).min()
    }
}
