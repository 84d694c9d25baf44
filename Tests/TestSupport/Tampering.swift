import Foundation

/// Edits to a SQLite state file behind obligd's back: what an attacker with the file, a disk fault or
/// a bug in a writer would leave, for the tests that show obligd finds it.
///
/// Why here: this is the one place outside Store's own tests that reaches under Store's seam and
/// writes SQL. Every other test builds its state through Store's typed API, so a schema change breaks
/// only Store's tests and these few functions. The edits go through the `sqlite3` command, as someone
/// with the file would make them, so no target but Store links a database library; each drops the
/// trigger that guards the row, as an attacker would.
package enum Tampering {
    /// Changes the first byte of every stored evidence receipt to `&`: a receipt altered in the file.
    package static func changeEvidenceByte(databasePath: String) throws {
        try sqlite(
            databasePath,
            """
            DROP TRIGGER evidenceBlob_no_update;
            UPDATE evidenceBlob SET content = CAST(x'26' || substr(content, 2) AS BLOB);
            """)
    }

    /// Names `actor` as who wrote audit row `row`: the hash chain no longer matches the row.
    package static func changeAuditActor(databasePath: String, row: Int64, to actor: String) throws {
        try sqlite(
            databasePath,
            """
            DROP TRIGGER audit_no_update;
            UPDATE audit SET actor = \(literal(actor)) WHERE id = \(row);
            """)
    }

    /// Writes an outbox row whose payload is `payload` as it is, unchecked, as a bug in a writer could:
    /// Store's typed calls only write payloads Delivery can read. Returns the row's id.
    @discardableResult
    package static func writeOutboxRow(
        databasePath: String, kind: String, obligation: Int64, payload: String, createdAt: Int64
    ) throws -> String {
        let id = UUID().uuidString.lowercased()
        try sqlite(
            databasePath,
            """
            INSERT INTO outbox (id, createdAt, kind, obligationId, payload, status, attempts, lastError)
            VALUES (\(literal(id)), \(createdAt), \(literal(kind)), \(obligation), \(literal(payload)), 'pending', 0, NULL);
            """)
        return id
    }

    /// `text` as an SQL string literal.
    private static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// Runs `script` in one transaction on the file, waiting for a writer that holds it; fails with
    /// sqlite3's message.
    private static func sqlite(_ path: String, _ script: String) throws {
        let r = try runProcess(
            "sqlite3", ["-bail", path], stdin: ".timeout 10000\nBEGIN IMMEDIATE;\n\(script)\nCOMMIT;\n", timeout: .seconds(30))
        guard r.status == 0, r.stderr.isEmpty else { throw TestFailure("sqlite3 \(path): exit \(r.status): \(r.stderr)") }
    }
}
