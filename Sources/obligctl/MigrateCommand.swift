import ArgumentParser
import Foundation
import Store

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Copy obligd's SQLite state into an empty PostgreSQL database and verify the copy.",
        discussion: """
            Stop obligd first (systemctl stop obligd): migrate takes the lock obligd holds on its state directory \
            (obligd.lock), so it refuses while obligd runs and obligd cannot start until the copy is done; it opens \
            obligd.sqlite read-only and never changes it. Every table (facts, obligations, reminder ledger, outbox, \
            deliveries, audit trail, ...) is copied with its ids in one PostgreSQL transaction, then both sides are \
            compared before the commit: rows and a SHA-256 per table, and the audit chain walked end to end (the same \
            last hash). A target that is not empty is refused and left as it was; a copy that fails or does not match \
            is rolled back, so the target never holds half a state (obligd's empty tables may stay; a new run accepts \
            them). Then start obligd with --database URL; README.md, "Moving from one server to PostgreSQL", has every \
            step. Exit status: 0 copied and verified, 1 the copy failed and was rolled back, 2 refused (nothing changed).
            """)

    @Option(
        name: .customLong("to"),
        help: ArgumentHelp("The empty PostgreSQL database: postgres://USER@HOST/DB?... (no password in it).", valueName: "url"))
    var url: String
    @Option(help: ArgumentHelp("obligd's state directory, which holds obligd.sqlite.", valueName: "dir")) var stateDir = "/var/lib/obligd"
    @Option(
        help: ArgumentHelp(
            "A file holding the role's password; default: $CREDENTIALS_DIRECTORY/obligd-db-password if present.", valueName: "file"))
    var databasePasswordFile: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        let report: MigrationReport
        do {
            let target = try PostgresURL(parsing: url, source: "--to")
            let password = try PostgresPassword.load(passwordFile: databasePasswordFile)
            let database = stateDir + "/obligd.sqlite"
            // Before the lock, which would create obligd.lock in a directory that is not obligd's.
            guard FileManager.default.fileExists(atPath: database) else { throw MigrationError.sourceMissing(path: database) }
            let lock = try Self.lockStateDirectory(stateDir)
            defer { close(lock) }
            report = try await ObligationStore.migrate(sqlite: database, to: target, password: password)
        } catch let refused as UsageFailure {
            Self.fail(refused)
        } catch let error as MigrationError {
            if case .verification = error { Self.fail(UsageFailure(error.description, code: 1)) }
            Self.fail(UsageFailure(error.description))
        } catch let error as StoreError {
            Self.fail(UsageFailure(error.description))
        } catch let error as PostgresFailure {
            if case .unreachable = error { Self.fail(UsageFailure(error.description)) }
            Self.fail(UsageFailure("the copy failed and was rolled back, the target holds no state: \(error)", code: 1))
        } catch {
            Self.fail(UsageFailure("the copy failed and was rolled back, the target holds no state: \(error)", code: 1))
        }
        writeErr("next: start obligd with --database '\(report.target)' (README.md, \"Moving from one server to PostgreSQL\")\n")
        if json { return try printJSON(report) }
        writeOut(
            "copied \(report.source) to \(report.target): \(report.rows) rows in \(report.tables.count) tables "
                + "in \(String(format: "%.1f", report.seconds)) s; verified (rows and SHA-256 per table, before the commit)\n")
        let width = report.tables.map(\.name.count).max() ?? 0
        for t in report.tables {
            writeOut("  \(t.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(t.rows) rows  sha256 \(t.sha256)\n")
        }
        writeOut("audit chain intact on both: \(report.auditRows) rows, last hash \(report.auditLastHash)\n")
    }

    /// Takes obligd's lock on `directory` (`obligd.lock`, the flock obligd holds while it runs, see
    /// the daemon's StateLock) and returns its descriptor: the lock is held until migrate exits.
    /// Why obligctl's own few lines and not the daemon's type: obligctl does not link the daemon. A
    /// missing file is created with the directory's owner, so obligd can still open it afterwards.
    static func lockStateDirectory(_ directory: String) throws -> Int32 {
        let path = directory + "/obligd.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw UsageFailure(
                "cannot open \(path): \(String(cString: strerror(errno))); check --state-dir, and run migrate as obligd's user "
                    + "(sudo -u obligd obligctl migrate ...)")
        }
        var dir = stat()
        if stat(directory, &dir) == 0 { _ = fchown(fd, dir.st_uid, dir.st_gid) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw UsageFailure(
                "obligd\(holder.isEmpty ? "" : " (pid \(holder))") is running on \(directory); stop it first "
                    + "(systemctl stop obligd): migrate copies a state that nothing writes")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        return fd
    }
}
