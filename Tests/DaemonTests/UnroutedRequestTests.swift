import Foundation
import TestSupport
import Testing

/// Requests no route takes, and bodies too large, get a JSON 4xx that says why (#13), never an empty
/// 404 or a 500.
@Suite struct UnroutedRequestTests {
    @Test func unknownRoutesAndWrongMethodsAreExplained() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGTERM) }
        let (missing, body) = try await d.request("GET", "/v1/nope")
        #expect(missing == 404)
        #expect((body as? [String: Any])?["field"] as? String == "path")
        let (wrong, why) = try await d.request("DELETE", "/v1/entities")
        #expect(wrong == 405)
        #expect((why as? [String: Any])?["fix"] as? String == "use GET or POST")
        let (param, paramWhy) = try await d.request("PUT", "/v1/obligations/3/done")
        #expect(param == 405, "a route with a parameter is matched too")
        #expect((paramWhy as? [String: Any])?["fix"] as? String == "use POST")
    }

    @Test func anOversizedBodyIs413AndWritesNothing() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGTERM) }
        let huge = #"{"id":"acme","name":""# + String(repeating: "a", count: 65 << 20) + #""}"#
        let (status, body) = try await d.request("POST", "/v1/entities", raw: huge)
        #expect(status == 413)
        #expect((body as? [String: Any])?["field"] as? String == "body")
        let (_, list) = try await d.request("GET", "/v1/entities")
        #expect((list as? [Any])?.isEmpty == true)
    }
}
