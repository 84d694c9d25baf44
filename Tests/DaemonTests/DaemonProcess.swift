import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// A real obligd process on a private state directory and socket, stopped by the test.
final class DaemonProcess: @unchecked Sendable {
    let stateDirectory: URL
    var socketPath: String { stateDirectory.appendingPathComponent("obligd.sock").path }
    var databasePath: String { stateDirectory.appendingPathComponent("obligd.sqlite").path }
    private(set) var process: Process?
    let configDirectory: String?
    let logPath: String
    /// More of obligd's options, e.g. `--http-listen`.
    let extraArguments: [String]

    init(stateDirectory: URL? = nil, configDirectory: String? = nil, arguments: [String] = []) throws {
        extraArguments = arguments
        let dir = try stateDirectory ?? makeTemporaryDirectory("obligd-test")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.stateDirectory = dir
        self.configDirectory = configDirectory
        self.logPath = dir.appendingPathComponent("obligd.log").path
    }

    /// Starts obligd and waits until its API answers.
    func start() async throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binaries.obligd)
        var args = ["--state-dir", stateDirectory.path, "--socket", socketPath]
        // A short lease, as in the cluster tests: a node started again after SIGKILL is a new holder
        // and leads once the dead one's lease ran out.
        if let databaseURL = try await databaseURL() { args += ["--database", databaseURL, "--lease-seconds", "3"] }
        if let configDirectory { args += ["--config", configDirectory] }
        p.arguments = args + extraArguments
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        p.standardError = log
        p.standardOutput = log
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !p.isRunning { throw TestFailure("obligd exited with \(p.terminationStatus): \(logText())") }
            if let (status, _) = try? await request("GET", "/v1/health"), status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestFailure("obligd did not become ready: \(logText())")
    }

    /// The state directory's own database on PostgreSQL runs (see `DaemonBackend`): created on the
    /// first start and its URL kept in the directory, so a daemon started again on the same
    /// directory finds its state. Nil on SQLite, where the state is the directory's file.
    func databaseURL() async throws -> String? {
        guard DaemonBackend.current == .postgres else { return nil }
        let file = stateDirectory.appendingPathComponent("test-database-url")
        if let url = try? String(contentsOf: file, encoding: .utf8) { return url }
        let url = try await TestPostgres.createDatabase()
        try url.write(to: file, atomically: true, encoding: .utf8)
        return url
    }

    /// Waits until this obligd leads (on SQLite it always does). Why: after SIGKILL a PostgreSQL node
    /// started again is a new lease holder, which fires nothing before the dead one's lease ran out;
    /// a test that checks nothing is fired twice must wait for it to lead first.
    func waitUntilLeading() async throws {
        guard DaemonBackend.current == .postgres else { return }
        try await eventually("obligd leads", timeout: .seconds(15)) {
            let (status, body) = try await request("GET", "/v1/cluster")
            return status == 200 && (body as? [String: Any])?["role"] as? String == "leader"
        }
    }

    func logText() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func signal(_ sig: Int32) { if let pid = process?.processIdentifier { kill(pid, sig) } }

    func waitForExit(timeout: TimeInterval = 10) async throws -> Int32 {
        guard let p = process else { return 0 }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning {
            if Date() > deadline { throw TestFailure("obligd did not exit within \(timeout)s") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return p.terminationStatus
    }

    func stop() async throws {
        signal(SIGTERM)
        _ = try await waitForExit()
    }

    func kill9() async throws {
        signal(SIGKILL)
        _ = try await waitForExit()
    }

    deinit {
        if let p = process, p.isRunning { kill(p.processIdentifier, SIGKILL) }
    }

    /// A GET over the socket whose body is text (`/metrics`, the calendar feed).
    func text(_ path: String) async throws -> (Int, String) {
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else { throw TestFailure("bad socket path") }
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url.absoluteString), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    /// One HTTP request over the socket; returns the status and the parsed JSON body.
    func request(
        _ method: String, _ path: String, json: Any? = nil, raw: String? = nil, headers: [String: String] = [:]
    ) async throws -> (Int, Any?) {
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else { throw TestFailure("bad socket path") }
        var req = HTTPClientRequest(url: url.absoluteString)
        req.method = .init(rawValue: method)
        if let json { req.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))) }
        if let raw { req.body = .bytes(ByteBuffer(string: raw)) }
        for (k, v) in headers { req.headers.add(name: k, value: v) }
        let response = try await HTTPClient.shared.execute(req, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 64 << 20)
        let data = Data(body.readableBytesView)
        return (Int(response.status.code), data.isEmpty ? nil : try? JSONSerialization.jsonObject(with: data))
    }
}
