import Foundation
import TestSupport
import Testing

@testable import Delivery

/// The virtualenv with the PyPI package `standardwebhooks`: `$VENV`, else `<scratch path>/venv-sw`
/// beside the test binary (e.g. .build-h6/venv-sw), created on first use.
func standardWebhooksPython() throws -> String? {
    guard (try? runProcess("python3", ["--version"], mergeStderr: true, timeout: .seconds(30)))?.status == 0 else { return nil }
    let venv: String
    if let v = ProcessInfo.processInfo.environment["VENV"], !v.isEmpty {
        venv = v
    } else {
        var dir = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments[0]).deletingLastPathComponent()
        while dir.path != "/", !dir.lastPathComponent.hasPrefix(".build") { dir = dir.deletingLastPathComponent() }
        if dir.path == "/" { dir = repositoryRoot().appendingPathComponent(".build") }
        venv = dir.appendingPathComponent("venv-sw").path
    }
    let python = venv + "/bin/python"
    if (try? runProcess(python, ["-c", "import standardwebhooks"], mergeStderr: true, timeout: .seconds(60)))?.status != 0 {
        let made = try runProcess("python3", ["-m", "venv", venv], mergeStderr: true, timeout: .seconds(120))
        try #require(made.status == 0, "python3 -m venv \(venv) failed: \(made.stdout)")
        let pip = try runProcess(python, ["-m", "pip", "install", "--quiet", "standardwebhooks"], mergeStderr: true, timeout: .seconds(300))
        try #require(pip.status == 0, "pip install standardwebhooks failed: \(pip.stdout)")
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

let python3Available =
    FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    || (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/python3")
    }

@Suite(.serialized) struct StandardWebhooksInteropTests {
    @Test(.enabled(if: python3Available, "python3 is absent: the cross-check with the standardwebhooks PyPI package is skipped"))
    func theIndependentPythonPackageVerifiesOurSignature() async throws {
        let python = try #require(try standardWebhooksPython(), "python3 did not run")
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, _) = try await Platform.standard(secret: whsec, clock: h.clock)
        let ids = try await enqueue(h.store, [payload(stage: "overdue:3")])
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await eventually("delivered") { try await delivery(h.store, ids[0], "r")?.status == .delivered }
        await d.stop()
        await server.stop()
        let req = try #require(server.requests.first)
        let dir = try TempDir()
        let headers = [
            "webhook-id": req.headers["webhook-id"]!, "webhook-timestamp": req.headers["webhook-timestamp"]!,
            "webhook-signature": req.headers["webhook-signature"]!
        ]
        let headersPath = try dir.write(
            "headers.json", String(decoding: try JSONSerialization.data(withJSONObject: headers), as: UTF8.self))
        let bodyPath = dir.path + "/body.json"
        try req.body.write(to: URL(fileURLWithPath: bodyPath))
        let script = try dir.write("verify.py", verifierScript)
        let ok = try runProcess(python, [script, whsec, headersPath, bodyPath], mergeStderr: true, timeout: .seconds(60))
        #expect(ok.status == 0, "standardwebhooks rejected the request: \(ok.stdout)")
        #expect(ok.stdout.contains("verified reminder"))
        // The verifier is not a rubber stamp: a changed body fails.
        try (req.body + Data(" ".utf8)).write(to: URL(fileURLWithPath: bodyPath))
        let tampered = try runProcess(python, [script, whsec, headersPath, bodyPath], mergeStderr: true, timeout: .seconds(60))
        #expect(tampered.status != 0)
        #expect(tampered.stdout.contains("WebhookVerificationError"))
    }
}
