import APIModel
import ArgumentParser
import Foundation
import Store

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up obligd's database while it runs, verified; or verify a backup.",
        discussion: """
            obligd copies its database with SQLite's backup API while it keeps serving, then checks the copy \
            (SQLite's integrity check and the whole audit chain) before it reports success; a copy that fails is \
            removed. Without FILE the copy goes to backups/ in obligd's state directory, named by the time; --keep N \
            then removes all but the newest N there (what the obligd-backup.timer runs). See README.md for restoring.
            """,
        subcommands: [Create.self, Verify.self], defaultSubcommand: Create.self)

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Make a verified backup (the default).")
        @OptionGroup var client: WriteOptions
        @Argument(help: "A new file (absolute path) for obligd to write; default: its state directory's backups/.") var file: String?
        @Option(help: "With the default place: keep only the newest N backups.") var keep: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let path = file.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
                let r = try await client.client().post("/v1/backup", BackupBody(path: path, keep: keep), as: BackupView.self)
                if json { return try printJSON(r) }
                writeOut(
                    "backup written to \(r.path): \(r.bytes) bytes, \(r.obligations) obligations, \(r.auditRows) audit rows; "
                        + "integrity ok, audit chain intact (last hash \(r.lastHash))\n")
                for old in r.removed { writeOut("removed older backup \(old)\n") }
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a backup file without obligd: integrity and the whole audit chain; exit 1 if it fails.")
        @Argument(help: "The backup file.") var file: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                Self.fail(UsageFailure("\(file) does not exist"))
            }
            if isDirectory.boolValue { Self.fail(UsageFailure("\(file) is a directory; give the backup file")) }
            do {
                let r = try ObligationStore.verify(file)
                if json {
                    return try printJSON(
                        BackupView(
                            path: r.path, bytes: r.bytes, auditRows: r.auditRows, lastHash: r.lastHash, obligations: r.obligations,
                            removed: []))
                }
                writeOut(
                    "\(file): integrity ok, \(r.obligations) obligations, audit chain intact: \(r.auditRows) rows, last hash \(r.lastHash)\n"
                )
            } catch {
                Self.fail(UsageFailure("\(file): \(error)", code: 1))
            }
        }
    }
}
