import AuditChain

/// The result of checking the whole audit trail and every evidence file against it, as of one
/// snapshot: what `backup verify` and the audit pack state ("the chain held at report time").
package struct TrailVerification: Sendable, Equatable, Codable {
    /// Rows whose hash held, from the first.
    package var rows: Int
    /// The last row that held: its id and hash (the chain's head when `intact`).
    package var headId: Int64
    /// That row's hash, which an auditor compares with a later `obligctl audit verify`.
    package var headHash: String
    /// Evidence items checked, and the distinct files and bytes hashed.
    package var evidenceItems: Int
    /// Distinct files (blobs) hashed; an identical file added twice is stored and hashed once.
    package var evidenceFiles: Int
    /// The bytes of those files.
    package var evidenceBytes: Int64
    /// The first thing that does not hold (a row whose hash does not match, a changed file); nil when
    /// everything does.
    package var problem: String?

    /// True when the chain and every file hold.
    package var intact: Bool { problem == nil }

    /// Walks the chain from its first row, then hashes every evidence file (`Evidence.check`).
    static func run(_ sql: any SQLSession) throws -> TrailVerification {
        var walk = AuditChain.Walk()
        var headId: Int64 = 0
        var problem: String?
        try sql.forEach("SELECT id, at, actor, action, subject, before, after, note, hash FROM audit ORDER BY id", []) { r in
            guard problem == nil else { return }
            let row = AuditChain.Row(
                id: try r.decode(0, "audit.id"), at: try r.decode(1, "audit.at"), actor: try r.decode(2, "audit.actor"),
                action: try r.decode(3, "audit.action"), subject: try r.decode(4, "audit.subject"), before: try r.decode(5, "audit.before"),
                after: try r.decode(6, "audit.after"), note: try r.decode(7, "audit.note"))
            if walk.take(row, stored: try r.decode(8, "audit.hash")) != nil {
                problem =
                    "audit row \(row.id) (\(row.action) \(row.subject)) does not match its hash: it or a row before it was edited, "
                    + "removed or inserted outside obligd"
            } else {
                headId = row.id
            }
        }
        let evidence = try Evidence.check(sql)
        return TrailVerification(
            rows: walk.count, headId: headId, headHash: walk.previous, evidenceItems: evidence.items, evidenceFiles: evidence.files,
            evidenceBytes: evidence.bytes, problem: problem ?? evidence.problem)
    }
}

extension Recorder {
    /// Checks the audit chain from its first row and every evidence file against the row that
    /// recorded it, on this snapshot. Why in Store: the pack states the result as of the snapshot
    /// it was built from, and backups run the same check on the copy.
    package func verifyTrail() throws -> TrailVerification { try TrailVerification.run(sql) }
}
