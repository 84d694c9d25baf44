import Foundation
import TestSupport
import Testing

/// The audit trail is hash-chained (#13): `obligctl audit verify` holds on an intact trail and names
/// the first row that does not match when the trail was edited behind obligd's back.
@Suite struct AuditChainTests {
    @Test func verifyHoldsOnAnIntactTrailAndNamesTheFirstEditedRow() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGTERM) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME Ltd"], socket: socket).status == 0)
        #expect(try obligctl(["event", "add", "acme", "important_data_notified", "--at", "2025-03-03"], socket: socket).status == 0)
        #expect(try obligctl(["waive", "1", "--reason", "not in scope"], socket: socket).status == 0)

        let intact = try obligctl(["audit", "verify"], socket: socket)
        #expect(intact.status == 0, "\(intact)")
        #expect(intact.stdout.hasPrefix("audit trail intact: 3 rows"), "\(intact)")
        let export = try obligctl(["audit", "export"], socket: socket)
        let lines = export.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.contains("\"hash\":\"") })
        let file = try makeTemporaryDirectory("audit").appendingPathComponent("trail.jsonl").path
        try export.stdout.write(toFile: file, atomically: true, encoding: .utf8)

        // An edit made with SQL around the append-only trigger, as someone with the database could.
        let edit = "UPDATE audit SET actor = 'somebody-else' WHERE id = 2"
        switch DaemonBackend.current {
        case .sqlite:
            try await d.execute([
                "DROP TRIGGER audit_no_update", edit,
                "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
            ])
        case .postgres:
            try await d.execute([
                "ALTER TABLE audit DISABLE TRIGGER audit_no_change", edit, "ALTER TABLE audit ENABLE TRIGGER audit_no_change"
            ])
        }
        let broken = try obligctl(["audit", "verify"], socket: socket)
        #expect(broken.status == 1, "\(broken)")
        #expect(broken.stderr.contains("audit row 2 (obligation.opened obligation:1) does not match its hash"), "\(broken)")

        // The export taken before the edit still verifies on its own, without a daemon.
        let offline = try obligctl(["audit", "verify", "--file", file], socket: "/nonexistent/obligd.sock")
        #expect(offline.status == 0, "\(offline)")
        var edited = export.stdout
        edited = edited.replacingOccurrences(of: "not in scope", with: "in scope")
        try edited.write(toFile: file, atomically: true, encoding: .utf8)
        let offlineBroken = try obligctl(["audit", "verify", "--file", file], socket: "/nonexistent/obligd.sock")
        #expect(offlineBroken.status == 1 && offlineBroken.stderr.contains("audit row 3"), "\(offlineBroken)")
    }
}
