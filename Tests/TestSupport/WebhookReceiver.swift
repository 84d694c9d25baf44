import Crypto
import Foundation
import Hummingbird
import Synchronization

/// A Standard Webhooks receiver on 127.0.0.1, as real receivers behave: it checks each signature and
/// records every request it accepted (path, id, body, when), so a test can tell a message sent twice
/// under one webhook-id (a resend) from one sent twice under two (a duplicate). It serves any path,
/// so one server can be several receivers (`/hook`, `/broken`), and can be told to fail as real
/// ones do: down (503) or, for some paths, misconfigured (401, which obligd pauses on).
package final class WebhookReceiver: Sendable {
    package struct Seen: Sendable {
        package var path: String
        package var id: String
        package var body: String
        package var at: Date
    }
    package let secret: Data
    package let seen = Mutex<[Seen]>([])
    package let badSignatures = Mutex(0)
    /// While true, every request gets 503 (a receiver that is down), after its signature is checked.
    package let down = Mutex(false)
    /// Paths that answer 401 (a receiver whose credentials or URL are wrong) while listed.
    package let rejecting = Mutex<Set<String>>([])
    private let task = Mutex<Task<Void, Error>?>(nil)

    package init() { secret = Data((0..<32).map { _ in UInt8.random(in: 0...255) }) }

    /// The webhook-ids it accepted.
    package var accepted: Set<String> { Set(seen.withLock { $0.map(\.id) }) }

    /// The JSON bodies it accepted on `path`.
    package func bodies(_ path: String) -> [[String: Any]] {
        seen.withLock { $0.filter { $0.path == path }.map(\.body) }.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// Starts serving on an ephemeral loopback port; returns the port. `stop()` ends it.
    package func start() async throws -> Int {
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ch in port.withLock { $0 = ch.localAddress?.port } })
        task.withLock { $0 = Task { try await app.runService(gracefulShutdownSignals: []) } }
        for _ in 0..<500 {
            if let p = port.withLock({ $0 }) { return p }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestFailure("webhook receiver did not start")
    }

    package func stop() { task.withLock { $0?.cancel() } }

    /// An obligd.json in a new directory sending to this receiver as `hook` (the secret in a file
    /// beside it); returns the directory, for `--config`.
    package func configDirectory(port: Int) throws -> URL {
        let dir = try makeTemporaryDirectory("obligd-hook")
        let secretFile = dir.appendingPathComponent("hook.secret")
        try "whsec_\(secret.base64EncodedString())".write(to: secretFile, atomically: true, encoding: .utf8)
        try """
        {"receivers": [{"name": "hook", "format": "standard", "url": "http://127.0.0.1:\(port)/hook",
                        "secretFile": "\(secretFile.path)", "language": "en", "ratePerMinute": 10000, "burst": 100}],
         "delivery": {"backoffInitialSeconds": 1, "backoffMaxSeconds": 2, "digestSeconds": 0}}
        """.write(to: dir.appendingPathComponent("obligd.json"), atomically: true, encoding: .utf8)
        return dir
    }

    private func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/:path") { req, _ -> Response in
            let body = Data(try await req.body.collect(upTo: 1 << 20).readableBytesView)
            let id = req.headers[.init("webhook-id")!] ?? ""
            let ts = req.headers[.init("webhook-timestamp")!] ?? ""
            let sig = req.headers[.init("webhook-signature")!] ?? ""
            let mac = HMAC<SHA256>.authenticationCode(for: Data("\(id).\(ts).".utf8) + body, using: SymmetricKey(data: self.secret))
            guard sig.split(separator: " ").contains(where: { $0 == "v1,\(Data(mac).base64EncodedString())" }) else {
                self.badSignatures.withLock { $0 += 1 }
                return Response(status: .unauthorized)
            }
            let path = req.uri.path
            if self.down.withLock({ $0 }) { return Response(status: .serviceUnavailable) }
            if self.rejecting.withLock({ $0.contains(path) }) { return Response(status: .unauthorized) }
            self.seen.withLock { $0.append(Seen(path: path, id: id, body: String(decoding: body, as: UTF8.self), at: Date())) }
            return Response(status: .ok)
        }
        return router
    }
}
