import Foundation
import TestSupport
import Testing

/// Proof for an auditor (#32) through obligctl and a real obligd: a filing receipt kept at `done`,
/// listed and fetched with its hash checked; an audit pack written and verified, and an edited pack
/// refused naming the row; a byte of the stored receipt changed in the database found by
/// `audit verify` and `evidence get`, and no backup taken of such a state.
@Suite struct ProofTests {
    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    @Test func evidenceAndTheAuditPackThroughTheCLI() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        let dir = try makeTemporaryDirectory("obligd-proof")
        #expect(try obligctl(["entity", "add", "acme", "Acme 科技"], socket: socket).status == 0)
        let (status, body) = try await d.request(
            "POST", "/v1/obligations", json: ["entity": "acme", "title": "Quarterly filing", "start": "2026-01-05", "period": "+10d"])
        #expect(status == 201)
        let id = try #require((body as? [String: Any])?["id"] as? Int)
        let receipt = Data("%PDF-1.7 回执 no. 44-0192 ".utf8) + Data((0..<4096).map { UInt8($0 % 256) })
        let receiptPath = dir.appendingPathComponent("receipt.pdf").path
        try receipt.write(to: URL(fileURLWithPath: receiptPath))

        let done = try obligctl(["done", "\(id)", "--evidence", receiptPath, "--reference", "44-0192"], socket: socket)
        #expect(done.status == 0 && done.stdout.contains("evidence kept: receipt.pdf reference 44-0192"), "\(done)")
        let listed = try obligctl(["evidence", "list", "\(id)", "--json"], socket: socket)
        let items = try #require(try json(listed.stdout) as? [[String: Any]])
        #expect(items.count == 1 && items.first?["mediaType"] as? String == "application/pdf", "\(listed)")
        #expect(items.first?["size"] as? Int == receipt.count)
        let out = dir.appendingPathComponent("out.pdf").path
        let got = try obligctl(["evidence", "get", "\(id)", "1", "-o", out], socket: socket)
        #expect(got.status == 0 && FileManager.default.contents(atPath: out) == receipt, "\(got)")
        let verified = try obligctl(["audit", "verify"], socket: socket)
        #expect(verified.status == 0 && verified.stdout.contains("1 evidence files match"), "\(verified)")

        // The pack, as HTML and JSON, verified untouched.
        let html = dir.appendingPathComponent("pack.html").path, packJSON = dir.appendingPathComponent("pack.json").path
        for (path, format) in [(html, "html"), (packJSON, "json")] {
            let made = try obligctl(
                [
                    "report", "--entity", "acme", "--from", "2026-01-01", "--to", "2026-12-31", "--format", format, "--lang", "en", "-o",
                    path
                ],
                socket: socket)
            #expect(made.status == 0, "\(made)")
            let check = try obligctl(["report", "verify", path], socket: socket)
            #expect(check.status == 0 && check.stdout.contains("intact"), "\(check)")
        }
        let text = try String(contentsOfFile: html, encoding: .utf8)
        #expect(text.contains("Quarterly filing") && text.contains("receipt.pdf"))
        // The closing day changed in the JSON pack: refused, naming the obligation.
        let original = try String(contentsOfFile: packJSON, encoding: .utf8)
        let pack = try #require(try json(original) as? [String: Any])
        let closedOn = try #require(((pack["obligations"] as? [[String: Any]])?.first)?["closedOn"] as? String)
        let edited = original.replacingOccurrences(of: "\"closedOn\":\"\(closedOn)\"", with: "\"closedOn\":\"2026-01-02\"")
        #expect(edited != original)
        try edited.write(toFile: packJSON, atomically: true, encoding: .utf8)
        let refused = try obligctl(["report", "verify", packJSON], socket: socket)
        #expect(refused.status == 1 && refused.stderr.contains("obligation \(id)") && refused.stderr.contains("2026-01-02"), "\(refused)")

        guard DaemonBackend.isSQLite else { return }
        // The same checks against a backup (SQLite: a backup is a file), without obligd, and the backup
        // is not written.
        let saved = dir.appendingPathComponent("b0.sqlite").path
        let took = try obligctl(["backup", saved], socket: socket)
        #expect(took.status == 0, "\(took)")
        let before = try Data(contentsOf: URL(fileURLWithPath: saved))
        let fromBackup = try obligctl(["report", "verify", html, "--backup", saved], socket: "/nonexistent/obligd.sock")
        #expect(fromBackup.status == 0 && fromBackup.stdout.contains("intact"), "\(fromBackup)")
        let editedFromBackup = try obligctl(["report", "verify", packJSON, "--backup", saved], socket: "/nonexistent/obligd.sock")
        #expect(editedFromBackup.status == 1 && editedFromBackup.stderr.contains("2026-01-02"), "\(editedFromBackup)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: saved)) == before, "the backup is read, never written")
        // One byte of the stored receipt changed behind obligd's back (SQLite: the file is at hand).
        try Tampering.changeEvidenceByte(databasePath: d.databasePath)
        let broken = try obligctl(["audit", "verify"], socket: socket)
        #expect(broken.status == 1 && broken.stderr.contains("changed in the database"), "\(broken)")
        let refusedGet = try obligctl(["evidence", "get", "\(id)", "1", "-o", dir.appendingPathComponent("bad.pdf").path], socket: socket)
        #expect(
            refusedGet.status == 1 && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("bad.pdf").path), "\(refusedGet)")
        let backup = try obligctl(["backup", dir.appendingPathComponent("b.sqlite").path], socket: socket)
        #expect(backup.status != 0 && backup.stderr.contains("evidence 1 of obligation \(id)"), "\(backup)")
    }
}
