import Foundation
import TestSupport
import Testing

/// `obligctl entity set` (#31) on a real obligd: it sets what the PI export certification route reads,
/// says what changed, `entity show` prints it, and a wrong attribute or value is refused naming it,
/// with nothing written.
struct EntityAttributeCLITests {
    @Test func entitySetTakesTheRouteAwayFromACIIO() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        let report = ["metric", "report", "acme", "cross_border_pi_individuals_ytd", "150000", "--at", "2026-02-02"]
        #expect(try obligctl(report, socket: socket).stdout.contains("classified: PI export certification route"))
        let set = try obligctl(["entity", "set", "acme", "ciio", "true"], socket: socket)
        #expect(set.status == 0 && set.stdout.contains("entity acme: ciio = true"), "\(set.stdout)\(set.stderr)")
        #expect(try obligctl(["entity", "show", "acme"], socket: socket).stdout.contains("attributes: ciio=true"))
        let listed = try obligctl(["classification", "list", "--entity", "acme"], socket: socket)
        #expect(!listed.stdout.contains("certification route"), "\(listed.stdout)")

        let unknown = try obligctl(["entity", "set", "acme", "cii0", "true"], socket: socket)
        #expect(unknown.status != 0 && unknown.stderr.contains("cii0") && unknown.stderr.contains("important_data"), "\(unknown.stderr)")
        let bad = try obligctl(["entity", "set", "acme", "important_data", "yes"], socket: socket)
        #expect(bad.status != 0 && bad.stderr.contains("not true, false or none"), "\(bad.stderr)")
        let history = try obligctl(["audit", "export"], socket: socket)
        #expect(history.stdout.components(separatedBy: "entity.attribute-set").count == 2, "one set recorded: \(history.stdout)")
    }
}
