import APIModel
import ArgumentParser
import Foundation

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import metrics and events from CSV or JSON Lines, all or nothing.",
        discussion: """
        JSON Lines: one object per line, {"type":"metric","entity":"acme","metric":"...","value":120000,"at":"2025-05-20"} \
        or {"type":"event","entity":"acme","kind":"...","at":"...","ref":"...","attributes":{...}}.
        CSV: a header with type,entity,metric,value,kind,at,ref and any attr:NAME columns for event attributes.
        The file is checked line by line first; then it is sent in one transaction, so a bad record changes nothing.
        """)
    @OptionGroup var client: ClientOptions
    @Argument(help: "File (.csv or .jsonl); - for stdin as JSON Lines.") var file: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let data: Data
            if file == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else {
                guard let d = FileManager.default.contents(atPath: file) else { throw UsageFailure("cannot read '\(file)'; check the path and permissions") }
                data = d
            }
            let text = String(decoding: data, as: UTF8.self)
            let records = file.lowercased().hasSuffix(".csv") ? try ImportParser.csv(text, file: file) : try ImportParser.jsonLines(text, file: file)
            guard !records.isEmpty else { throw UsageFailure("\(file): no records") }
            let r = try await client.client().post("/v1/import", ImportBody(records: records), as: ImportResult.self)
            if json { return try printJSON(r) }
            writeOut("imported \(r.imported) records: \(r.opened) obligations opened, \(r.moved) moved\n")
        }
    }
}

enum ImportParser {
    static func jsonLines(_ text: String, file: String) throws -> [ImportRecord] {
        var out: [ImportRecord] = []
        let decoder = JSONDecoder()
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            do { out.append(try decoder.decode(ImportRecord.self, from: Data(trimmed.utf8))) } catch {
                throw UsageFailure("\(file):\(i + 1): not an import record (\(describe(error))); expected {\"type\":\"metric\"|\"event\",\"entity\":...}")
            }
        }
        return out
    }

    static func csv(_ text: String, file: String) throws -> [ImportRecord] {
        let rows = parseCSV(text)
        guard let header = rows.first else { return [] }
        let known: Set<String> = ["type", "entity", "metric", "value", "kind", "at", "ref"]
        for h in header where !known.contains(h) && !h.hasPrefix("attr:") {
            throw UsageFailure("\(file):1: unknown column '\(h)'; use \(known.sorted().joined(separator: ",")) and attr:NAME")
        }
        var out: [ImportRecord] = []
        for (n, row) in rows.dropFirst().enumerated() {
            if row.count == 1 && row[0].isEmpty { continue }
            let line = n + 2
            guard row.count == header.count else { throw UsageFailure("\(file):\(line): \(row.count) fields, the header has \(header.count)") }
            var f: [String: String] = [:]
            var attrs: [String: String] = [:]
            for (h, v) in zip(header, row) where !v.isEmpty {
                if h.hasPrefix("attr:") { attrs[String(h.dropFirst(5))] = v } else { f[h] = v }
            }
            guard let type = f["type"], let entity = f["entity"] else { throw UsageFailure("\(file):\(line): 'type' and 'entity' are required") }
            var value: Int64?
            if let v = f["value"] {
                guard let n = Int64(v) else { throw UsageFailure("\(file):\(line): value '\(v)' is not a whole number") }
                value = n
            }
            out.append(ImportRecord(type: type, entity: entity, metric: f["metric"], value: value, kind: f["kind"], at: f["at"], ref: f["ref"],
                                    attributes: attrs.isEmpty ? nil : attrs))
        }
        return out
    }

    /// RFC 4180: fields separated by commas, optionally quoted with doubled quotes inside.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() { if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n } } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" {
                row.append(field); field = ""
                rows.append(row); row = []
            } else if c != "\r" {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    static func describe(_ e: Error) -> String {
        if case let DecodingError.keyNotFound(k, _) = e { return "missing '\(k.stringValue)'" }
        if case let DecodingError.typeMismatch(_, ctx) = e { return "wrong type at '\(ctx.codingPath.map(\.stringValue).joined(separator: "."))'" }
        return "not valid JSON"
    }
}
