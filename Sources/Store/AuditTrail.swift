import AuditChain
import GRDB

/// Appending to the audit trail: every row gets the next id and the hash that chains it to the row
/// before (`AuditChain`). The trail is append-only in SQL (triggers) and tamper-evident beyond it: an
/// edit made after dropping the triggers breaks the chain, which `obligctl audit verify` reports.
enum AuditTrail {
    /// The id and hash of the last row, where the next one chains on.
    struct Tip: Sendable {
        var id: Int64
        var hash: String
    }

    static func tip(_ sql: any SQLSession) throws -> Tip {
        guard let row = try sql.row("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1") else {
            return Tip(id: 0, hash: AuditChain.genesis)
        }
        return Tip(id: try row.decode(0, "audit.id"), hash: try row.decode(1, "audit.hash") ?? AuditChain.genesis)
    }

    /// Appends one row after `tip` and returns the new tip.
    @discardableResult
    static func append(
        _ sql: any SQLSession, after tip: Tip, at: Int64, actor: String, action: AuditAction, subject: String, before: String?,
        after: String?,
        note: String?
    ) throws -> Tip {
        let row = AuditChain.Row(
            id: tip.id + 1, at: at, actor: actor, action: action.rawValue, subject: subject, before: before, after: after, note: note)
        let hash = AuditChain.hash(row, previous: tip.hash)
        try sql.execute(
            "INSERT INTO audit (id, at, actor, action, subject, before, after, note, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row.id, at, actor, action.rawValue, subject, before, after, note, hash)
        return Tip(id: row.id, hash: hash)
    }

    /// Appends one row after the current last row (paths that write one row at a time).
    static func append(
        _ sql: any SQLSession, at: Int64, actor: String, action: AuditAction, subject: String, before: String?, after: String?,
        note: String?
    ) throws {
        try append(
            sql, after: try tip(sql), at: at, actor: actor, action: action, subject: subject, before: before, after: after, note: note)
    }

    /// Fills the hash of rows written before the chain existed, in id order (the v7 migration).
    static func chainExistingRows(_ db: Database) throws {
        var previous = AuditChain.genesis
        let rows = try Row.fetchCursor(db, sql: "SELECT id, at, actor, action, subject, before, after, note FROM audit ORDER BY id")
        let update = try db.makeStatement(sql: "UPDATE audit SET hash = ? WHERE id = ?")
        while let r = try rows.next() {
            let row = AuditChain.Row(
                id: r[0], at: r[1], actor: r[2], action: r[3], subject: r[4], before: r[5], after: r[6], note: r[7])
            previous = AuditChain.hash(row, previous: previous)
            try update.execute(arguments: [previous, row.id])
        }
    }
}
