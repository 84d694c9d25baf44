import Foundation
import Store
import TestSupport
import Testing

/// `obligctl migrate` as the operator runs it: the real binary on a state directory and the test
/// server; then the real obligd on the copy.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct MigrateCommandTests {
    @Test func obligctlCopiesAStateDirectoryAndObligdRunsOnTheCopy() async throws {
        let dir = try makeTemporaryDirectory("obligd-migrate").path
        let source = try makeTemporaryStore(in: dir)
        try await MigrationFixture.fill(source)
        let obligations = try await MigrationFixture.obligations(source).count
        let openCount = try await MigrationFixture.obligations(source, status: .open).count
        let lastHash = try await MigrationFixture.audit(source).lastHash
        try await TestDatabase.with(migrated: false) { db in
            let url = db.url.description
            let migrate = ["migrate", "--to", url, "--state-dir", dir]

            // While obligd holds the state directory's lock, migrate refuses and touches nothing.
            let lock = open(dir + "/obligd.lock", O_RDWR | O_CREAT, 0o640)
            #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
            _ = "4242\n".withCString { pwrite(lock, $0, 5, 0) }
            let running = try obligctl(migrate)
            close(lock)
            #expect(running.status == 2, "\(running)")
            #expect(
                running.stderr == "obligctl: obligd (pid 4242) is running on \(dir); stop it first (systemctl stop obligd): "
                    + "migrate copies a state that nothing writes\n")
            #expect(try await db.value("SELECT to_regclass('schema_migrations') IS NULL", as: Bool.self) == true)

            let copied = try obligctl(migrate + ["--json"])
            #expect(copied.status == 0, "\(copied)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(copied.stdout.utf8)) as? [String: Any], "\(copied)")
            #expect(report["verified"] as? Bool == true)
            #expect(report["auditLastHash"] as? String == lastHash)
            #expect(report["target"] as? String == url && report["source"] as? String == dir + "/obligd.sqlite")
            let tables = try #require(report["tables"] as? [[String: Any]])
            #expect(tables.compactMap { $0["name"] as? String } == MigrationTables.copied)
            #expect(tables.first { $0["name"] as? String == "obligation" }?["rows"] as? Int == obligations)
            #expect(copied.stderr.contains("next: start obligd with --database '\(url)'"))

            // Again: the target now holds state; refused, exit 2, saying what, where and how to fix.
            let again = try obligctl(migrate)
            #expect(again.status == 2, "\(again)")
            #expect(again.stdout == "")
            #expect(again.stderr.hasPrefix("obligctl: the target \(url) is not empty: it holds obligd state in "), "\(again)")
            #expect(again.stderr.contains("nothing was changed") && again.stderr.contains("createdb -O obligd obligd"))

            // obligd starts on the copy and serves what obligd on SQLite had.
            let node = try ClusterProcess(database: url)
            try await node.start()
            let listed = try obligctl(["list", "--json"], socket: node.socket)
            try await node.stop()
            #expect(listed.status == 0, "\(listed)")
            let rows = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]
            #expect(rows?.count == openCount && openCount > 0, "\(listed.stdout)")
        }
    }
}
