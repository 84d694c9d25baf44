import Foundation
import Synchronization
import TestSupport
import Testing

/// A receiver that answers that it is misconfigured, through a real obligd: it is paused (not
/// dead-lettered), the failure is loud (health, status, the other receiver), every command the catalog
/// and the notice recommend works, and once fixed it gets what it was owed.
@Suite(.serialized) struct ReceiverFailureEndToEndTests {
    /// The backticked `obligctl ...` commands in `text`.
    static func commands(in text: String) -> [String] {
        text.replacingOccurrences(of: "\n", with: " ").components(separatedBy: "`").enumerated().compactMap { i, part in
            i % 2 == 1 && part.hasPrefix("obligctl ") ? part : nil
        }
    }

    @Test func aMisconfiguredReceiverIsPausedLoudlyAndCatchesUpOnceFixed() async throws {
        // Two Standard Webhooks endpoints on one loopback server: /hook accepts, /broken answers 401.
        let receivers = WebhookReceiver()
        receivers.rejecting.withLock { $0 = ["/broken"] }
        let p = try await receivers.start()
        defer { receivers.stop() }

        let dir = try makeTemporaryDirectory("obligd-pause")
        try "whsec_\(receivers.secret.base64EncodedString())".write(
            to: dir.appendingPathComponent("hook.secret"), atomically: true, encoding: .utf8)
        let secretFile = dir.appendingPathComponent("hook.secret").path
        try """
        {"receivers": [
           {"name": "hook", "format": "standard", "url": "http://127.0.0.1:\(p)/hook", "secretFile": "\(secretFile)", "language": "en"},
           {"name": "broken", "format": "standard", "url": "http://127.0.0.1:\(p)/broken", "secretFile": "\(secretFile)", "language": "en"}],
         "delivery": {"probeInitialSeconds": 600, "probeMaxSeconds": 600, "digestSeconds": 0}}
        """.write(to: dir.appendingPathComponent("obligd.json"), atomically: true, encoding: .utf8)
        let d = try DaemonProcess(configDirectory: dir.path)
        try await d.start()
        defer { try? FileManager.default.removeItem(at: dir) }
        let socket = d.socketPath

        #expect(try obligctl(["entity", "add", "acme", "ACME Ltd"], socket: socket).status == 0)
        #expect(try obligctl(["event", "add", "acme", "important_data_notified", "--at", "2025-03-03"], socket: socket).status == 0)

        // Loud: health, status, the receiver list, and a notice to the other receiver.
        try await eventually("health says degraded") {
            let (_, body) = try await d.request("GET", "/v1/health")
            return (body as? [String: Any])?["status"] as? String == "degraded"
        }
        let status = try obligctl(["status"], socket: socket)
        #expect(status.stdout.contains("degraded") && status.stdout.contains("receiver broken paused since"), "\(status.stdout)")
        let list = try obligctl(["receiver", "list", "--json"], socket: socket)
        let views = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let broken = try #require(views.first { $0["name"] as? String == "broken" })
        #expect(broken["state"] as? String == "paused" && broken["pending"] as? Int == 1, "\(broken)")
        #expect((broken["lastError"] as? String)?.hasPrefix("HTTP 401") == true)
        try await eventually("the working receiver hears of it") {
            receivers.bodies("/hook").contains { $0["type"] as? String == "delivery.failing" }
        }
        let notice = try #require(receivers.bodies("/hook").first { $0["type"] as? String == "delivery.failing" })
        let data = try #require(notice["data"] as? [String: Any])
        #expect(data["receiver"] as? String == "broken")
        let note = try #require((data["message"] as? [String: Any])?["note"] as? String)

        // Every command the catalog entry and the notice recommend exists and runs.
        let catalog = try String(contentsOfFile: repositoryRoot().appendingPathComponent("systemd/obligd.catalog").path, encoding: .utf8)
        let entry = try #require(catalog.components(separatedBy: "\n-- ").first { $0.contains("ea8c6a01c5d344ae91057a7feef07494") })
        // This entry's commands first (they fix the receiver), then every other entry's, about obligation 1.
        let others = catalog.components(separatedBy: "\n-- ").filter { !$0.contains("ea8c6a01c5d344ae91057a7feef07494") }.joined(
            separator: "\n")
        let recommended =
            Self.commands(in: entry.replacingOccurrences(of: "@OBLIGD_RECEIVER@", with: "broken")) + Self.commands(in: note)
            + Self.commands(
                in: others.replacingOccurrences(of: "@OBLIGD_OBLIGATION@", with: "1").replacingOccurrences(
                    of: "@OBLIGD_ENTITY@", with: "acme"
                )
                .replacingOccurrences(of: "@OBLIGD_RULE@", with: "cn.platform.large-registered"))
        #expect(
            Set(recommended).isSuperset(of: [
                "obligctl receiver resume broken", "obligctl notify test broken",
                "obligctl outbox retry --receiver broken --all"
            ]), "\(recommended)")
        receivers.rejecting.withLock { $0 = [] }
        var resumed = false
        for command in recommended {
            // Quoted placeholders ('...') stay one argument.
            let args = Array(
                command.replacingOccurrences(of: "'...'", with: "catalog-test").split(separator: " ").dropFirst().map(String.init))
            let r = try obligctl(args, socket: socket)
            // 0, or a conflict when there is nothing to do (no dead letters; already resumed); never a usage error.
            #expect(r.status == 0 || r.stderr.contains("[HTTP 409]"), "\(command): \(r.status) \(r.stdout) \(r.stderr)")
            if command == "obligctl receiver resume broken", !resumed {
                #expect(r.status == 0 && r.stdout.contains("probing now"), "\(r.stdout) \(r.stderr)")
                resumed = true
            }
        }

        // Fixed and resumed: what it was owed arrives, nothing is dead, health is ready again.
        try await eventually("broken caught up") {
            receivers.bodies("/broken").contains { $0["type"] as? String == "obligation.opened" }
        }
        try await eventually("health ready") {
            let (_, body) = try await d.request("GET", "/v1/health")
            return (body as? [String: Any])?["status"] as? String == "ready"
        }
        let dead = try obligctl(["outbox", "list", "--status", "dead", "--json"], socket: socket)
        #expect((try JSONSerialization.jsonObject(with: Data(dead.stdout.utf8)) as? [Any])?.isEmpty == true, "\(dead.stdout)")
        try await d.stop()
    }
}
