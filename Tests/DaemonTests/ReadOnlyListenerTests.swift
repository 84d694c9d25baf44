import AsyncHTTPClient
import Foundation
import NIOCore
import TestSupport
import Testing

/// The read-only TCP listener and its calendar feeds (#17, part 3), through a real obligd started with
/// `--http-listen` on loopback: feeds at token URLs, /metrics, nothing that writes, revocation, and
/// the token kept nowhere but in the answer that created it.
@Suite(.serialized) struct ReadOnlyListenerTests {
    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw TestFailure("no free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// One request to the listener: status and body text.
    static func tcp(_ method: String, _ url: String) async throws -> (Int, String, String?) {
        var req = HTTPClientRequest(url: url)
        req.method = .init(rawValue: method)
        if method == "POST" { req.body = .bytes(ByteBuffer(string: "{}")) }
        let response = try await HTTPClient.shared.execute(req, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers.first(name: "Content-Type"))
    }

    @Test func feedsAndMetricsAreServedReadOnlyAtTokenURLsThatCanBeRevoked() async throws {
        let port = try Self.unusedPort()
        let base = "http://127.0.0.1:\(port)"
        let d = try DaemonProcess(arguments: ["--http-listen", "127.0.0.1:\(port)"])
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        #expect(try obligctl(["entity", "add", "beta", "Beta"], socket: socket).status == 0)
        for (entity, title) in [("acme", "Acme filing"), ("beta", "Beta filing")] {
            let (s, _) = try await d.request(
                "POST", "/v1/obligations", json: ["entity": entity, "title": title, "start": "2030-01-02", "period": "+1mo"])
            #expect(s == 201)
        }
        // The URL is printed once, by obligctl, and is on the listener's address.
        let added = try obligctl(["feed", "add", "--label", "Li Wei", "--entity", "acme"], socket: socket)
        #expect(added.status == 0, "\(added)")
        let url = try #require(added.stdout.split(separator: " ").last.map { String($0.dropLast()) })
        #expect(url.hasPrefix(base + "/feeds/") && url.hasSuffix(".ics"), "\(added.stdout)")
        let token = String(url.dropFirst((base + "/feeds/").count).dropLast(4))
        #expect(token.count == 43)

        let (status, ics, type) = try await Self.tcp("GET", url)
        #expect(status == 200 && type?.hasPrefix("text/calendar") == true)
        #expect(ics.contains("Acme filing") && !ics.contains("Beta filing"), "only the feed's entity: \(ics)")
        let all = try obligctl(["feed", "add", "--label", "Team", "--json"], socket: socket)
        let allURL = try #require((try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])?["url"] as? String)
        let (_, everything, _) = try await Self.tcp("GET", allURL)
        #expect(everything.contains("Acme filing") && everything.contains("Beta filing"))

        // A retried add (same Idempotency-Key) names the same feed but not its token: only the first
        // answer had it.
        let retry = ["Idempotency-Key": "feed-k1"]
        let (s1, first) = try await d.request("POST", "/v1/feeds", json: ["label": "Retry"], headers: retry)
        let (s2, again) = try await d.request("POST", "/v1/feeds", json: ["label": "Retry"], headers: retry)
        let (a, b) = (first as? [String: Any] ?? [:], again as? [String: Any] ?? [:])
        #expect(s1 == 201 && s2 == 201 && a["id"] as? Int == b["id"] as? Int)
        #expect(a["token"] is String && b["token"] == nil, "\(b)")

        let (metricsStatus, metrics, _) = try await Self.tcp("GET", base + "/metrics")
        #expect(metricsStatus == 200 && metrics.contains(#"obligd_obligations{rule="",status="open"} 2"#), "\(metrics)")

        // Nothing else, and nothing that writes.
        #expect(try await Self.tcp("GET", base + "/feeds/" + String(token.reversed()) + ".ics").0 == 404)
        #expect(try await Self.tcp("GET", base + "/v1/obligations").0 == 404)
        #expect(try await Self.tcp("GET", base + "/v1/calendar.ics").0 == 404)
        #expect(try await Self.tcp("POST", base + "/v1/entities").0 == 404)
        #expect(try await Self.tcp("POST", base + "/metrics").0 == 405)
        #expect(try await Self.tcp("POST", url).0 == 405)
        let (_, entities) = try await d.request("GET", "/v1/entities")
        #expect((entities as? [Any])?.count == 2)

        // Revoked: 404 at once; listed as revoked; audited both ways; the token is nowhere at rest.
        let revoked = try obligctl(["feed", "revoke", "1"], socket: socket)
        #expect(revoked.status == 0 && revoked.stdout.contains("revoked"), "\(revoked)")
        #expect(try await Self.tcp("GET", url).0 == 404)
        #expect(try await Self.tcp("GET", allURL).0 == 200)
        #expect(try obligctl(["feed", "revoke", "1"], socket: socket).status != 0, "twice is a conflict")
        let list = try obligctl(["feed", "list"], socket: socket)
        #expect(list.stdout.contains("Li Wei") && list.stdout.contains("revoked") && list.stdout.contains("live"), "\(list)")
        let (_, audit) = try await d.request("GET", "/v1/audit")
        let actions = (audit as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(actions.filter { $0 == "feed.added" }.count == 3 && actions.contains("feed.revoked"), "\(actions)")
        try await d.stop()
        for path in [d.databasePath, d.databasePath + "-wal", d.logPath] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            #expect(bytes.range(of: Data(token.utf8)) == nil, "the token is stored in \(path)")
        }
        let tables =
            DaemonBackend.isSQLite
            ? ["feed", "audit", "outbox", "idempotency"]
            : try await d.rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'").compactMap { $0[0] }
        #expect(tables.contains("idempotency") || tables.contains("feed"), "\(tables)")
        for table in tables {
            let text = try await d.rows("SELECT * FROM \(table)").map { $0.map { $0 ?? "" }.joined(separator: " ") }
            #expect(!text.contains { $0.contains(token) }, "the token is stored in the \(table) table")
        }
        #expect(list.stdout.range(of: token) == nil)
        #expect(!d.logText().isEmpty)
    }

    @Test func aBadListenAddressIsRefusedWithTheFormToUse() throws {
        let r = try runProcess(Binaries.obligd, ["--http-listen", "localhost", "--state-dir", try makeTemporaryDirectory("obligd-l").path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("is not HOST:PORT") && r.stderr.contains("127.0.0.1:9464"), "\(r)")
    }
}
