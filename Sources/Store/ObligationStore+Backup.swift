import AuditChain
import Foundation
import GRDB

/// What a verified backup holds.
package struct BackupReport: Sendable, Equatable {
    /// The backup file written.
    package var path: String
    /// Its size in bytes.
    package var bytes: Int64
    /// Audit rows in the copy, each of whose hashes held.
    package var auditRows: Int
    /// The hash of the last audit row: an auditor can compare it with `obligctl audit verify` later.
    package var lastHash: String
    /// Obligations in the copy, so the operator sees it is not empty.
    package var obligations: Int
}

/// Online, consistent copies of the database (SQLite's backup API, while obligd keeps serving), each
/// checked before it is reported: `PRAGMA integrity_check`, the whole audit chain and every evidence
/// file's hash on the copy.
extension ObligationStore {
    /// The directory backups go to when no path is given: `backups/` beside the database, which a
    /// systemd service can write (it is in its StateDirectory).
    package var backupDirectory: String { ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("backups") }

    /// Backs up to a new file named by the time in `backupDirectory`, then keeps only the newest `keep`
    /// backups there (obligd-*.sqlite), when given: what the daily timer runs.
    package func backup(now: Date, keep: Int?) async throws -> (BackupReport, removed: [String]) {
        // First: on PostgreSQL `path` is the server, and its "directory" would be made relative to
        // obligd's working directory before the copy was refused.
        guard case .sqlite = backend else { throw StoreError.sqliteOnly }
        let dir = backupDirectory
        try Self.files("create the backup directory \(dir)") {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        }
        let stamp = ISO8601DateFormatter().string(from: now).replacingOccurrences(of: ":", with: "")
        // Two backups in one second get -2, -3, ... (`backupOrder` sorts them after the first).
        var name = "obligd-\(stamp).sqlite"
        var n = 1
        while FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent(name)) {
            n += 1
            name = "obligd-\(stamp)-\(n).sqlite"
        }
        let report = try await backup(to: (dir as NSString).appendingPathComponent(name))
        var removed: [String] = []
        if let keep {
            let names = try Self.files("list \(dir)") { try FileManager.default.contentsOfDirectory(atPath: dir) }
                .filter { $0.hasPrefix("obligd-") && $0.hasSuffix(".sqlite") }.sorted { Self.backupOrder($0) < Self.backupOrder($1) }
            for name in names.dropLast(max(keep, 1)) {
                let file = (dir as NSString).appendingPathComponent(name)
                try Self.files("remove the old backup \(file)") { try FileManager.default.removeItem(atPath: file) }
                removed.append(file)
            }
        }
        return (report, removed)
    }

    /// Runs a file operation of a backup; its failure says what could not be done, where and why,
    /// instead of Foundation's error domain and code.
    static func files<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            let reason = ((error as? CocoaError)?.underlying as? POSIXError).map { String(cString: strerror($0.code.rawValue)) }
            throw StoreError.invalid(
                field: "path", problem: "cannot \(what): \(reason ?? error.localizedDescription)",
                fix: "check that user obligd may write there (obligd runs sandboxed: see obligd.service), or give another path")
        }
    }

    /// A backup's place in time from its name: the stamp, then the number a second backup in the same
    /// second got (1 for the first). Why not the name itself: "…Z-2.sqlite" sorts before "…Z.sqlite",
    /// and `--keep` then removed the second of three backups taken in one second instead of the first.
    static func backupOrder(_ name: String) -> (String, Int) {
        let stem = name.dropFirst("obligd-".count).dropLast(".sqlite".count)
        guard let z = stem.range(of: "Z-", options: .backwards), let n = Int(stem[z.upperBound...]) else { return (String(stem), 1) }
        return (String(stem[..<z.lowerBound]) + "Z", n)
    }

    /// Copies the database to `path` (a new file; an existing one is refused), verifies the copy and
    /// reports it. A copy that fails verification is removed and the failure thrown.
    package func backup(to path: String) async throws -> BackupReport {
        guard case .sqlite = backend else { throw StoreError.sqliteOnly }
        guard path.hasPrefix("/") else {
            throw StoreError.invalid(field: "path", problem: "'\(path)' is not an absolute path", fix: "give the full path of the new file")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError.conflict("\(path) exists; a backup never overwrites a file: give a new name or remove it first")
        }
        let directory = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError.invalid(field: "path", problem: "\(directory) is not a directory", fix: "create it, or back up elsewhere")
        }
        guard case let .sqlite(pool, _) = backend else { throw StoreError.sqliteOnly }
        do {
            // The copy and the check read the whole database: on a thread of their own, not one of the
            // cooperative pool's, which the API's requests run on.
            return try await withCheckedThrowingContinuation { done in
                DispatchQueue.global().async {
                    done.resume(
                        with: Result {
                            let copy = try DatabaseQueue(path: path)
                            try pool.backup(to: copy)
                            // One self-contained file: the copy took the WAL mode of the source, which
                            // would leave -wal and -shm files beside it.
                            try copy.writeWithoutTransaction { db in _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") }
                            try copy.close()
                            return try Self.verify(path)
                        })
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            if error is StoreError { throw error }
            throw StoreError.invalid(
                field: "path", problem: "the backup to \(path) failed: \(error)", fix: "check the directory's permissions and free space")
        }
    }

    /// Checks a backup file (or any obligd database) without changing it: SQLite's integrity check and
    /// the audit chain from its first row. Used before a backup is reported and before a restore.
    package static func verify(_ path: String) throws -> BackupReport {
        var config = Configuration()
        config.readonly = true
        let db = try DatabaseQueue(path: path, configuration: config)
        defer { try? db.close() }
        return try db.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            guard integrity == ["ok"] else {
                throw StoreError.conflict("\(path) fails SQLite's integrity check: \(integrity.prefix(3).joined(separator: "; "))")
            }
            let rows = try Row.fetchCursor(
                db, sql: "SELECT id, at, actor, action, subject, before, after, note, hash FROM audit ORDER BY id")
            var walk = AuditChain.Walk()
            while let r = try rows.next() {
                let row = AuditChain.Row(
                    id: r[0], at: r[1], actor: r[2], action: r[3], subject: r[4], before: r[5], after: r[6], note: r[7])
                guard walk.take(row, stored: r[8]) == nil else {
                    throw StoreError.conflict("\(path): audit row \(row.id) (\(row.action) \(row.subject)) does not match its hash")
                }
            }
            // Every evidence file against the audit row that recorded its hash (the chain above
            // vouches for the rows).
            if let problem = try Evidence.check(SQLiteSession(db)).problem { throw StoreError.conflict("\(path): \(problem)") }
            let obligations = try Int.fetchOne(db, sql: "SELECT count(*) FROM obligation") ?? 0
            let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int64) ?? 0
            return BackupReport(path: path, bytes: bytes, auditRows: walk.count, lastHash: walk.previous, obligations: obligations)
        }
    }
}
