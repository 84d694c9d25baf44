import APIModel
import ArgumentParser
import AuditPack
import DeadlineKit
import Foundation
import Rules
import Store

/// `obligctl report`: the audit pack of an entity for a period, and `report verify` of a pack file.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Write an entity's audit pack for a period (HTML or JSON), or verify one.",
        discussion: """
            For each obligation open in the period: the trigger and rule with its legal basis, start, period, due \
            day and the calendars that decided it, every move with its reason, acknowledgements, when and by whom it \
            was closed, on time or late (in working days), its evidence (name, size, SHA-256), every reminder stage \
            with when it fired and each receiver's outcome, and the audit chain's head and verification at the time. \
            Each stated row names the audit row (id and hash) it comes from; 'obligctl report verify FILE' checks \
            them against the live trail. The HTML file is self-contained (no script, no external resource) and \
            prints one obligation per page.
            """,
        subcommands: [ReportVerify.self])
    @OptionGroup var client: ClientOptions
    @Option(help: "The entity.") var entity: String?
    @Option(help: "First day of the period (YYYY-MM-DD, the entity's zone).") var from: String?
    @Option(help: "Last day of the period (YYYY-MM-DD), included.") var to: String?
    @Option(help: "html (default) or json.") var format = "html"
    @Option(help: "zh-CN (default) or en.") var lang = "zh-CN"
    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the pack (- for stdout).", valueName: "file")) var output: String?

    func run() async throws {
        try await runClient {
            guard let entity, let from, let to, let output else {
                throw UsageFailure(
                    "give --entity, --from, --to and -o; e.g. obligctl report --entity acme --from 2026-01-01 --to 2026-06-30 -o pack.html")
            }
            guard ["html", "json"].contains(format) else { throw UsageFailure("--format '\(format)' is not html or json") }
            var query = URLComponents()
            query.queryItems = [
                .init(name: "entity", value: entity), .init(name: "from", value: from), .init(name: "to", value: to),
                .init(name: "format", value: format), .init(name: "lang", value: lang)
            ]
            let (data, _) = try await client.client().getBytes("/v1/reports?" + (query.percentEncodedQuery ?? ""))
            if output == "-" { return FileHandle.standardOutput.write(data) }
            do { try data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw UsageFailure("cannot write \(output); check the directory exists and is writable")
            }
            writeErr("wrote \(output) (\(Evidence.size(Int64(data.count))))\n")
        }
    }
}

struct ReportVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check an audit pack (HTML or JSON) against the live audit trail; exit 1 naming each row that differs.",
        discussion: """
            Every audit row the pack cites must be in the trail with the same hash and give the same statement \
            (a changed date is named with its obligation and row); evidence, reminders and delivery outcomes must \
            be as recorded; an HTML pack's text must be what its embedded data renders to.
            """)
    @OptionGroup var client: ClientOptions
    @OptionGroup var configuration: ConfigOptions
    @Argument(help: "The pack file.") var file: String
    @Option(
        help: ArgumentHelp(
            "Check against this backup file (obligctl backup) instead of the live trail, without obligd; it is not changed.",
            valueName: "path"))
    var backup: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run() async throws {
        try await runClient {
            let bytes = [UInt8](try InputFile.read(file))
            let (pack, format): (AuditPackDocument, PackFormat)
            do { (pack, format) = try AuditPack.read(bytes, file: file) } catch let e as StoreError {
                throw UsageFailure("\(e)", code: 1)
            }
            var result =
                if let backup {
                    try await Self.verify(pack, backup: backup, config: try configuration.load())
                } else {
                    try await client.client().postRaw("/v1/reports/verify", try JSONEncoder().encode(pack), as: PackVerification.self)
                }
            if format == .html, let difference = AuditPack.renderingDifference(bytes, of: pack) {
                result.problems.insert(difference, at: 0)
            }
            if json {
                try printJSON(result)
            } else if result.intact {
                writeOut("\(file): intact: \(result.checked) statements match the audit trail\n")
            } else {
                for p in result.problems { writeErr("\(file): \(p)\n") }
            }
            if !result.chainIntact { writeErr("note: the audit chain does not verify now: \(result.chainProblem ?? "")\n") }
            if !result.intact { throw ExitCode(1) }
        }
    }

    /// Checks `pack` against a backup: the backup is checked first (integrity, chain, evidence), then
    /// copied and opened, so the file handed to the auditor is never written (opening may migrate an
    /// older schema, which happens on the copy).
    static func verify(_ pack: AuditPackDocument, backup: String, config: Configuration) async throws -> PackVerification {
        do { _ = try ObligationStore.verify(backup) } catch let e as StoreError { throw UsageFailure("\(backup): \(e)", code: 1) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obligctl-pack-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let copy = dir.appendingPathComponent("backup.db").path
        try FileManager.default.copyItem(atPath: backup, toPath: copy)
        let store = try ObligationStore(path: copy)
        let now = Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        do {
            let result = try await AuditPack.verify(pack, store: store, config: config, now: now)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
