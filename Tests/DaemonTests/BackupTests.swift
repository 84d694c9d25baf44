import Foundation
import TestSupport
import Testing

/// `obligctl backup` (#17, part 4): an online copy while obligd runs and takes writes, verified before
/// it is reported; `backup verify` checks a file offline and names an edited audit row; restoring a
/// backup into a state directory gives back the same obligations and an intact audit chain.
@Suite struct BackupTests {
    func json(_ text: String) throws -> [String: Any] { try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:] }

    /// On PostgreSQL the store's path is the server's URL: the default backup directory was made of
    /// it, relative to obligd's working directory, before the copy was refused with a 500.
    @Test(.enabled(if: !DaemonBackend.isSQLite, "on SQLite the backup is the file's"))
    func aBackupOnPostgreSQLIsRefusedAndMakesNoDirectory() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let cwd = FileManager.default.currentDirectoryPath
        let stray = { try FileManager.default.contentsOfDirectory(atPath: cwd).filter { $0.hasPrefix("postgres") } }
        let before = try stray()
        for arguments in [["backup"], ["backup", "--keep", "3"], ["backup", d.stateDirectory.appendingPathComponent("b.sqlite").path]] {
            let r = try obligctl(arguments, socket: d.socketPath)
            #expect(r.status != 0, "\(arguments): \(r)")
            #expect(r.stderr.contains("on PostgreSQL use the server's own tools"), "\(arguments): \(r)")
            #expect(!r.stderr.contains("internal error"), "\(arguments): \(r)")
        }
        #expect(try stray() == before, "obligd made a directory named after the server in \(cwd)")
    }

    /// A backup directory that cannot be made is a clear refusal, not an internal error with
    /// Foundation's domain and code.
    @Test(.enabled(if: DaemonBackend.isSQLite, "the default backup directory is beside the SQLite file"))
    func aBackupDirectoryThatCannotBeMadeIsNamedWithWhy() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let blocker = d.stateDirectory.appendingPathComponent("backups").path
        #expect(FileManager.default.createFile(atPath: blocker, contents: Data("not a directory".utf8)))
        let r = try obligctl(["backup"], socket: d.socketPath)
        #expect(r.status != 0, "\(r)")
        #expect(r.stderr.contains("cannot create the backup directory \(blocker): File exists"), "\(r)")
        #expect(!r.stderr.contains("internal error") && !r.stderr.contains("NSCocoaErrorDomain"), "\(r)")
        let (status, _) = try await d.request("GET", "/v1/health")
        #expect(status == 200)
    }

    @Test(.enabled(if: DaemonBackend.isSQLite, "backs up the SQLite file; on PostgreSQL backups are the server's (pg_dump)"))
    func aBackupTakenUnderLoadVerifiesAndRestores() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        #expect(try obligctl(["event", "add", "acme", "important_data_notified", "--at", "2025-03-03"], socket: socket).status == 0)

        // Writers keep reporting while the backup runs.
        let writers = Task {
            for n in 0..<150 {
                _ = try await d.request(
                    "POST", "/v1/metrics",
                    json: [
                        "entity": "acme", "metric": "registered_users", "value": 1_000 + n,
                        "at": "2025-01-01T00:00:\(String(format: "%02d", n % 60))Z"
                    ])
            }
        }
        let first = try obligctl(["backup", "--json"], socket: socket)
        try await writers.value
        #expect(first.status == 0, "\(first)")
        let report = try json(first.stdout)
        let path = try #require(report["path"] as? String)
        #expect(path.hasPrefix(d.stateDirectory.appendingPathComponent("backups").path))
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"), "one self-contained file")
        let verified = try obligctl(["backup", "verify", path], socket: "/nonexistent")
        #expect(verified.status == 0 && verified.stdout.contains("audit chain intact"), "\(verified)")

        // Two more in the same second get their own names; --keep 2 keeps the newest two.
        #expect(try obligctl(["backup"], socket: socket).status == 0)
        let kept = try obligctl(["backup", "--keep", "2"], socket: socket)
        #expect(kept.status == 0 && kept.stdout.contains("removed older backup \(path)"), "\(kept)")
        let files = try FileManager.default.contentsOfDirectory(atPath: d.stateDirectory.appendingPathComponent("backups").path)
        #expect(files.count == 2, "\(files)")
        #expect(try obligctl(["backup", "relative/x.sqlite", "--keep", "3"], socket: socket).status == 2)

        // A copy at a path of one's own, then restored into a fresh state directory.
        let dir = try makeTemporaryDirectory("obligd-restore")
        let copy = dir.appendingPathComponent("copy.sqlite").path
        #expect(try obligctl(["backup", copy], socket: socket).status == 0)
        #expect(try obligctl(["backup", copy], socket: socket).status == 2, "never overwrites")
        let before = try obligctl(["list", "--status", "all", "--json"], socket: socket).stdout
        let restored = dir.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: copy, toPath: restored.appendingPathComponent("obligd.sqlite").path)
        let r = try DaemonProcess(stateDirectory: restored)
        try await r.start()
        defer { r.signal(SIGKILL) }
        #expect(try obligctl(["list", "--status", "all", "--json"], socket: r.socketPath).stdout == before)
        #expect(try obligctl(["audit", "verify"], socket: r.socketPath).status == 0)

        // An audit row edited in a backup is found offline.
        let tampered = dir.appendingPathComponent("tampered.sqlite").path
        try FileManager.default.copyItem(atPath: copy, toPath: tampered)
        try Tampering.changeAuditActor(databasePath: tampered, row: 2, to: "somebody-else")
        let broken = try obligctl(["backup", "verify", tampered], socket: "/nonexistent")
        #expect(broken.status == 1 && broken.stderr.contains("audit row 2"), "\(broken)")
    }
}
