@testable import Delivery
import Foundation
import Testing

/// Runs a command, failing the test if it takes longer than `timeout` seconds.
func run(_ args: [String], timeout: TimeInterval = 300, environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    if let environment { p.environment = environment }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let deadline = Date().addingTimeInterval(timeout)
    let data = Mutex_Data()
    let reader = Thread { data.set(out.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    while p.isRunning {
        if Date() > deadline {
            p.terminate()
            throw TimedOut(what: args.joined(separator: " "))
        }
        Thread.sleep(forTimeInterval: 0.05)
    }
    while !data.done { Thread.sleep(forTimeInterval: 0.01) }
    return (p.terminationStatus, String(decoding: data.value, as: UTF8.self))
}

final class Mutex_Data: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = Data()
    private var _done = false
    func set(_ d: Data) { lock.lock(); _value = d; _done = true; lock.unlock() }
    var done: Bool { lock.lock(); defer { lock.unlock() }; return _done }
    var value: Data { lock.lock(); defer { lock.unlock() }; return _value }
}

/// The virtualenv with the PyPI package `standardwebhooks`: `$VENV`, else `<scratch path>/venv-sw`
/// beside the test binary (e.g. .build-h6/venv-sw), created on first use.
func standardWebhooksPython() throws -> String? {
    guard (try? run(["python3", "--version"], timeout: 30))?.status == 0 else { return nil }
    let venv: String
    if let v = ProcessInfo.processInfo.environment["VENV"], !v.isEmpty {
        venv = v
    } else {
        var dir = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0]).deletingLastPathComponent()
        while dir.path != "/", !dir.lastPathComponent.hasPrefix(".build") { dir = dir.deletingLastPathComponent() }
        if dir.path == "/" { dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build") }
        venv = dir.appendingPathComponent("venv-sw").path
    }
    let python = venv + "/bin/python"
    if (try? run([python, "-c", "import standardwebhooks"], timeout: 60))?.status != 0 {
        let made = try run(["python3", "-m", "venv", venv], timeout: 120)
        try #require(made.status == 0, "python3 -m venv \(venv) failed: \(made.output)")
        let pip = try run([python, "-m", "pip", "install", "--quiet", "standardwebhooks"], timeout: 300)
        try #require(pip.status == 0, "pip install standardwebhooks failed: \(pip.output)")
    }
    return python
}

let verifierScript = """
import json, sys
from standardwebhooks.webhooks import Webhook
secret, headers_path, body_path = sys.argv[1:4]
headers = json.load(open(headers_path))
body = open(body_path, "rb").read()
payload = Webhook(secret).verify(body, headers)
print("verified", payload["type"])
"""

let python3Available = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    || (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/python3") }

@Suite(.serialized) struct StandardWebhooksInteropTests {
    @Test(.enabled(if: python3Available, "python3 is absent: the cross-check with the standardwebhooks PyPI package is skipped"))
    func theIndependentPythonPackageVerifiesOurSignature() async throws {
        let python = try #require(try standardWebhooksPython(), "python3 did not run")
        let h = try Harness()
        try h.credential("hooks.secret", whsec)
        let (server, _) = try await Platform.standard(secret: whsec, clock: h.clock)
        let ids = try enqueue(h.store, [payload(stage: "overdue:3")])
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await eventually("delivered") { try delivery(h.store, ids[0], "r")?.status == .delivered }
        await d.stop()
        await server.stop()
        let req = try #require(server.requests.first)
        let dir = try TempDir()
        let headers = ["webhook-id": req.headers["webhook-id"]!, "webhook-timestamp": req.headers["webhook-timestamp"]!,
                       "webhook-signature": req.headers["webhook-signature"]!]
        let headersPath = try dir.write("headers.json", String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self))
        let bodyPath = dir.path + "/body.json"
        try req.body.write(to: URL(fileURLWithPath: bodyPath))
        let script = try dir.write("verify.py", verifierScript)
        let ok = try run([python, script, whsec, headersPath, bodyPath], timeout: 60)
        #expect(ok.status == 0, "standardwebhooks rejected the request: \(ok.output)")
        #expect(ok.output.contains("verified reminder"))
        // The verifier is not a rubber stamp: a changed body fails.
        try (req.body + Data(" ".utf8)).write(to: URL(fileURLWithPath: bodyPath))
        let tampered = try run([python, script, whsec, headersPath, bodyPath], timeout: 60)
        #expect(tampered.status != 0)
        #expect(tampered.output.contains("WebhookVerificationError"))
    }
}
