import APIModel
import ArgumentParser
import AuditChain
import Foundation
import Store

/// `obligctl audit export|verify`: the audit trail with its hash chain, for an auditor.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Export the audit trail or verify its hash chain.",
        discussion: """
            Every audit row carries a SHA-256 hash over its fields and the hash of the row before it \
            (the algorithm is in README.md), so a row edited, removed or inserted behind obligd's back \
            breaks the chain from there on.
            """,
        subcommands: [AuditExport.self, AuditVerify.self])
}

/// Pages through `GET /v1/audit`, oldest row first.
func auditPages(_ client: DaemonClient, _ body: ([AuditRecord]) throws -> Void) async throws {
    var after: Int64 = 0
    while true {
        let page = try await client.get("/v1/audit?after=\(after)&limit=5000", as: [AuditRecord].self)
        if page.isEmpty { return }
        try body(page)
        after = page.last!.id
    }
}

struct AuditExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write the audit trail with its hashes as JSON Lines (one row per line) on stdout.")
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await runClient {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try await auditPages(try client.client()) { page in
                for record in page { writeOut(String(decoding: try encoder.encode(record), as: UTF8.self) + "\n") }
            }
        }
    }
}

struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the audit trail's hash chain and evidence hashes; exit 1 naming the first that does not match.",
        discussion: """
            Against the daemon, also fetches every evidence file the trail recorded and checks its SHA-256. \
            With --file, verifies an exported trail (JSON Lines from 'audit export') without a daemon (no files then).
            """)
    @OptionGroup var client: ClientOptions
    @Option(help: ArgumentHelp("An exported trail to verify instead of the daemon's.", valueName: "file")) var file: String?
    @Flag(help: "Print JSON on success: rows checked and the last hash (a failure is still one line on stderr, exit 1).") var json = false

    func run() async throws {
        try await runClient {
            var verifier = ChainVerifier()
            if let file {
                let decoder = JSONDecoder()
                let text = String(decoding: try InputFile.read(file), as: UTF8.self)
                for (n, line) in text.split(separator: "\n").enumerated() {
                    guard let record = try? decoder.decode(AuditRecord.self, from: Data(line.utf8)) else {
                        throw UsageFailure("\(file):\(n + 1): not an audit row exported by 'obligctl audit export'")
                    }
                    try verifier.check([record])
                }
            } else {
                let c = try client.client()
                try await auditPages(c) { try verifier.check($0) }
                try await verifier.checkEvidence(c)
            }
            if json {
                return try printJSON(
                    VerifyJSON(intact: true, rows: verifier.count, lastHash: verifier.previous, evidence: verifier.evidence))
            }
            let files = file == nil ? ", \(verifier.evidence) evidence files match their recorded SHA-256" : ""
            writeOut("audit trail intact: \(verifier.count) rows, last hash \(verifier.previous)\(files)\n")
        }
    }
}

/// Walks the chain page by page.
struct ChainVerifier {
    private var walk = AuditChain.Walk()
    var previous: String { walk.previous }
    var count: Int { walk.count }

    /// The evidence additions the chain recorded: obligation, number, SHA-256 and the row.
    private var added: [(obligation: Int64, record: Evidence.AddedRecord, row: Int64)] = []
    /// Evidence files fetched and found to match.
    private(set) var evidence = 0

    /// Fetches every evidence file the chain recorded and hashes it: a byte changed in the database
    /// after the addition makes the file differ from the SHA-256 its (chained) audit row holds.
    mutating func checkEvidence(_ client: DaemonClient) async throws {
        for (obligation, record, row) in added {
            let (data, _) = try await client.getBytes("/v1/obligations/\(obligation)/evidence/\(record.number)")
            let actual = Evidence.sha256(data)
            guard actual == record.sha256 else {
                throw UsageFailure(
                    "evidence \(record.number) of obligation \(obligation) (\(record.name)) hashes to \(actual), but audit row \(row) "
                        + "recorded \(record.sha256): the file was changed in the database outside obligd",
                    code: 1)
            }
            evidence += 1
        }
    }

    mutating func check(_ page: [AuditRecord]) throws {
        for r in page {
            if r.action == Evidence.auditAction.rawValue, r.subject.hasPrefix("obligation:"), let id = Int64(r.subject.dropFirst(11)),
                let record = Evidence.AddedRecord.read(r.after)
            {
                added.append((id, record, r.id))
            }
            let row = AuditChain.Row(
                id: r.id, at: r.at, actor: r.actor, action: r.action, subject: r.subject, before: r.before, after: r.after, note: r.note)
            if let expected = walk.take(row, stored: r.hash) {
                throw UsageFailure(
                    "audit row \(r.id) (\(r.action) \(r.subject)) does not match its hash: "
                        + "it or a row before it was edited, removed or inserted outside obligd (expected \(expected), stored \(r.hash ?? "none"))",
                    code: 1)
            }
        }
    }
}

/// `audit verify --json` on an intact trail.
struct VerifyJSON: Encodable {
    var intact: Bool
    var rows: Int
    var lastHash: String
    /// Evidence files fetched and hashed (0 with --file: an exported trail holds no files).
    var evidence: Int
}
