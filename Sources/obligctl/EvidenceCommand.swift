import APIModel
import ArgumentParser
import Foundation
import Store

/// `obligctl evidence add|list|get`: files kept with an obligation as proof (a filing receipt, a
/// certificate), stored by obligd in its database and never removed or replaced.
struct EvidenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence", abstract: "Add, list and fetch an obligation's evidence files.",
        discussion: """
            Evidence is kept in obligd's database with its name, media type, size and SHA-256; each addition \
            is an audit row carrying the SHA-256, so 'obligctl audit verify' detects a file changed afterwards. \
            Files can also be attached when closing: obligctl done ID --evidence FILE [--reference NO]. \
            Limits: obligd.json "evidence": {"maxFileBytes", "maxPerObligationBytes"} (20 MiB and 100 MiB by default).
            """,
        subcommands: [EvidenceAdd.self, EvidenceList.self, EvidenceGet.self])
}

/// Reading evidence files from the command line into a request.
enum EvidenceFiles {
    /// Each of `paths` as a request's file: its base name, a media type from its extension, base64 bytes.
    static func bodies(_ paths: [String]) throws -> [EvidenceFileBody] {
        try paths.map { path in
            let data = try InputFile.read(path)
            let name = (path as NSString).lastPathComponent
            return EvidenceFileBody(name: name, mediaType: mediaType(of: name), content: data.base64EncodedString())
        }
    }

    /// The media type a file name's extension suggests; `application/octet-stream` for one not known.
    static func mediaType(of name: String) -> String {
        let types = [
            "pdf": "application/pdf", "ofd": "application/ofd", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
            "gif": "image/gif", "webp": "image/webp", "tif": "image/tiff", "tiff": "image/tiff",
            "txt": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8", "json": "application/json",
            "xml": "application/xml", "html": "text/html; charset=utf-8", "zip": "application/zip",
            "doc": "application/msword", "xls": "application/vnd.ms-excel",
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "eml": "message/rfc822"
        ]
        return types[(name as NSString).pathExtension.lowercased()] ?? "application/octet-stream"
    }

    /// One line per item: number, size, SHA-256, name.
    static func table(_ items: [EvidenceView]) -> String {
        Table(
            header: ["N", "NAME", "SIZE", "SHA-256", "REFERENCE", "ADDED", "BY"],
            rows: items.map {
                ["\($0.number)", $0.name, Evidence.size($0.size), $0.sha256, $0.reference ?? "", $0.addedAt, $0.actor]
            }
        ).render()
    }
}

struct EvidenceAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add files (and/or a reference) to an obligation's evidence, open or closed.")
    @OptionGroup var client: WriteOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Argument(help: "Files to add (a filing receipt, a certificate, the report submitted).") var files: [String] = []
    @Option(help: "A reference kept with the files, or alone (a filing number).") var reference: String?
    @Flag(help: "Print JSON (the items added).") var json = false

    func run() async throws {
        try await runClient {
            guard !files.isEmpty || reference != nil else {
                throw UsageFailure("give a file to add, or --reference NO; e.g. obligctl evidence add \(id) receipt.pdf")
            }
            let body = EvidenceBody(files: try EvidenceFiles.bodies(files), reference: reference)
            let added = try await client.client().post("/v1/obligations/\(id)/evidence", body, as: [EvidenceView].self)
            if json { return try printJSON(added) }
            for e in added { writeOut("obligation \(id): evidence \(e.number) \(e.name), \(Evidence.size(e.size)), sha256 \(e.sha256)\n") }
        }
    }
}

struct EvidenceList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List an obligation's evidence.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let items = try await client.client().get("/v1/obligations/\(id)/evidence", as: [EvidenceView].self)
            if json { return try printJSON(items) }
            if items.isEmpty { return writeOut("obligation \(id) has no evidence\n") }
            writeOut(EvidenceFiles.table(items))
        }
    }
}

struct EvidenceGet: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get", abstract: "Save one evidence file, checking its SHA-256 against the recorded one.",
        discussion: "Exit 1, writing nothing, when the bytes received do not hash to the SHA-256 obligd recorded.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Argument(help: "The evidence number (obligctl evidence list).") var number: Int64
    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write the file (a new file; - for stdout).", valueName: "file"))
    var output: String

    func run() async throws {
        try await runClient {
            let c = client.client()
            let items = try await c.get("/v1/obligations/\(id)/evidence", as: [EvidenceView].self)
            guard let item = items.first(where: { $0.number == number }) else {
                throw UsageFailure("obligation \(id) has no evidence \(number); see obligctl evidence list \(id)")
            }
            let (data, headers) = try await c.getBytes("/v1/obligations/\(id)/evidence/\(number)")
            let actual = Evidence.sha256(data)
            let served = headers[evidenceSHA256Header.lowercased()]
            guard actual == item.sha256, served == nil || served == item.sha256 else {
                throw UsageFailure(
                    "evidence \(number) of obligation \(id) (\(item.name)) hashes to \(actual), but obligd recorded \(item.sha256) "
                        + "(audit row \(item.auditId)): it was changed after it was added; nothing written. Run obligctl audit verify",
                    code: 1)
            }
            if output == "-" { return FileHandle.standardOutput.write(data) }
            do { try data.write(to: URL(fileURLWithPath: output), options: .atomic) } catch {
                throw UsageFailure("cannot write \(output); check the directory exists and is writable")
            }
            writeErr("wrote \(output): \(item.name), \(Evidence.size(item.size)), sha256 \(actual) (matches the audit trail)\n")
        }
    }
}
