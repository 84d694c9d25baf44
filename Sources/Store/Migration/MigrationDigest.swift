import AuditChain
import Crypto

/// The checksums `migrate` compares: per table, the row count and the SHA-256 of its rows in key
/// order, computed by the same code from the `SQLValue`s either database returns; and the audit
/// trail's chain walked row by row. Why over `SQLValue`s: the two databases store the same storage
/// classes (integers, text, bytes), so a value copied wrong, a row lost or an order changed gives
/// another hash, whatever the engine.
enum MigrationDigest {
    /// Every table's rows and checksum, in copy order.
    static func tables(_ sql: any SQLSession, _ shapes: [MigrationTables.Shape]) throws -> [MigrationReport.Table] {
        try shapes.map { shape in
            var hash = SHA256()
            var rows = 0
            var bytes: [UInt8] = Array("obligd-migrate-v1\n\(shape.name)\n\(shape.columns.joined(separator: ","))\n".utf8)
            hash.update(data: bytes)
            let select = "SELECT \(shape.columns.joined(separator: ", ")) FROM \(shape.name) ORDER BY \(shape.order(sql.dialect))"
            try scan(sql, select) { row in
                bytes.removeAll(keepingCapacity: true)
                for value in row.values { append(value, to: &bytes) }
                bytes.append(UInt8(ascii: "\n"))
                hash.update(data: bytes)
                rows += 1
            }
            let hex = hash.finalize().map { String($0, radix: 16).leftPadded(to: 2) }.joined()
            return MigrationReport.Table(name: shape.name, rows: rows, sha256: hex)
        }
    }

    /// One value, typed and length-prefixed so that no two different rows encode alike.
    static func append(_ value: SQLValue, to bytes: inout [UInt8]) {
        switch value {
        case .null: bytes.append(UInt8(ascii: "N"))
        case let .integer(i): bytes.append(contentsOf: "I\(i);".utf8)
        case let .real(d): bytes.append(contentsOf: "R\(d.bitPattern);".utf8)
        case let .text(t):
            bytes.append(contentsOf: "T\(t.utf8.count):".utf8)
            bytes.append(contentsOf: t.utf8)
        case let .blob(b):
            bytes.append(contentsOf: "B\(b.count):".utf8)
            bytes.append(contentsOf: b)
        }
    }

    /// Walks the audit chain from its first row: how many rows held, the hash of the last that did,
    /// and the first row that does not match its hash (named by id), if any.
    static func audit(_ sql: any SQLSession) throws -> (rows: Int, lastHash: String, broken: String?) {
        var walk = AuditChain.Walk()
        var broken: String?
        try scan(sql, "SELECT id, at, actor, action, subject, before, after, note, hash FROM audit ORDER BY id") { r in
            guard broken == nil else { return }
            let row = AuditChain.Row(
                id: try r.decode(0, "audit.id"), at: try r.decode(1, "audit.at"), actor: try r.decode(2, "audit.actor"),
                action: try r.decode(3, "audit.action"), subject: try r.decode(4, "audit.subject"), before: try r.decode(5, "audit.before"),
                after: try r.decode(6, "audit.after"), note: try r.decode(7, "audit.note"))
            if walk.take(row, stored: try r.decode(8, "audit.hash")) != nil {
                broken = "audit row \(row.id) (\(row.action) \(row.subject)) does not match its hash"
            }
        }
        return (walk.count, walk.previous, broken)
    }

    /// Runs `select` and hands each row to `body`, holding a page of rows at a time: SQLite steps its
    /// statement; PostgreSQL would otherwise return the whole table in one answer, so the rows come
    /// through a cursor, 2,000 at a time (inside the caller's transaction).
    static func scan(_ sql: any SQLSession, _ select: String, _ body: (SQLRow) throws -> Void) throws {
        guard sql.dialect == .postgres else { return try sql.forEach(select, [], body) }
        try sql.execute("DECLARE obligd_migrate NO SCROLL CURSOR FOR " + select, [])
        while true {
            var fetched = 0
            try sql.forEach("FETCH FORWARD 2000 FROM obligd_migrate", []) { row in
                fetched += 1
                try body(row)
            }
            if fetched == 0 { break }
        }
        try sql.execute("CLOSE obligd_migrate", [])
    }
}

extension String {
    /// The string with `pad` in front up to `width` characters (hex bytes: "0f", not "f").
    fileprivate func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
