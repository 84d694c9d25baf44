import Foundation
import TestSupport
import Testing

/// The actor of every audit row is the socket peer's user as the kernel says (SO_PEERCRED), not what
/// the client claims; a claimed name is kept as "on behalf of" beside it (#13).
@Suite struct IdentityTests {
    static var me: String {
        guard let pw = getpwuid(getuid()), let name = pw.pointee.pw_name else { return "uid:\(getuid())" }
        return String(cString: name)
    }

    @Test func aForgedActorHeaderIsRecordedOnlyBesideTheVerifiedUser() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGTERM) }
        let (created, _) = try await d.request("POST", "/v1/entities", json: ["id": "acme", "name": "Acme"])
        #expect(created == 201)
        let (opened, body) = try await d.request(
            "POST", "/v1/obligations", json: ["entity": "acme", "title": "File it", "start": "2026-03-02", "period": "+30wd"],
            headers: ["X-Obligd-Peer": "auditor-bob"])
        #expect(opened == 201)
        let id = try #require((body as? [String: Any])?["id"] as? Int)
        let (waived, _) = try await d.request(
            "POST", "/v1/obligations/\(id)/waive", json: ["note": "not in scope"], headers: ["X-Obligd-Actor": "auditor-bob"])
        #expect(waived == 200)
        let (_, history) = try await d.request("GET", "/v1/obligations/\(id)/history")
        let actors = try #require(history as? [[String: Any]]).compactMap { $0["actor"] as? String }
        #expect(actors == [Self.me, "\(Self.me) on behalf of auditor-bob"], "a client's own X-Obligd-Peer is ignored")
    }

    @Test func aClaimedActorWithControlCharactersIsRefused() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGTERM) }
        let (status, body) = try await d.request(
            "POST", "/v1/entities", json: ["id": "acme", "name": "Acme"], headers: ["X-Obligd-Actor": String(repeating: "x", count: 65)])
        #expect(status == 400)
        #expect((body as? [String: Any])?["field"] as? String == "X-Obligd-Actor")
        let (_, list) = try await d.request("GET", "/v1/entities")
        #expect((list as? [Any])?.isEmpty == true, "nothing was written")
    }
}
