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
    @OptionGroup var client: WriteOptions
    @Argument(help: "File (.csv or .jsonl); - for stdin as JSON Lines.") var file: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let data: Data
            if file == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                data = try InputFile.read(file)
            }
            let text = String(decoding: data, as: UTF8.self)
            let r: ImportResult
            if file.lowercased().hasSuffix(".csv") {
                let (records, lines) = try ImportParser.csv(text, file: file)
                guard !records.isEmpty else { throw UsageFailure("\(file): no records") }
                let body = try DaemonClient.encoder.encode(ImportBody(records: records))
                r = try await send(client.client(), body, lines: lines, offsets: nil)
            } else {
                // JSON Lines go to obligd as they are (no decode and re-encode here); obligd checks each
                // record and names it, and the error is mapped back to the line.
                let (body, lines, offsets) = try ImportParser.jsonLinesBody(text, file: file)
                r = try await send(client.client(), body, lines: lines, offsets: offsets)
            }
            if json { return try printJSON(r) }
            let again = r.duplicates > 0 ? "; \(r.duplicates) recorded before, nothing new for them" : ""
            writeOut("imported \(r.imported) records: \(r.opened) obligations opened, \(r.moved) moved\(again)\n")
        }
    }
}

extension ImportCommand {
    /// Sends the import; an error obligd names by record (`records[3].metric`) or by byte of the body
    /// is told by the file's line instead (`data.jsonl:5: metric: ...`), as the user wrote it.
    /// - Parameters:
    ///   - lines: the file's line of each record.
    ///   - body: the request body, JSON already: JSON Lines go as they are, a CSV file's records encoded.
    ///   - offsets: where each record starts in the body (JSON Lines, sent as they are).
    func send(_ c: DaemonClient, _ body: Data, lines: [Int], offsets: [Int]?) async throws -> ImportResult {
        do {
            return try await c.postRaw("/v1/import", body, as: ImportResult.self)
        } catch let DaemonClient.Failure.api(status, err) {
            var e = err
            if let (record, rest) = ImportParser.record(of: e.field), record < lines.count {
                e.field = "\(file):\(lines[record])" + (rest.map { ": \($0)" } ?? "")
            } else if e.field == "body", let offsets, let (at, byte) = ImportParser.byte(of: e.error) {
                // A line that is not JSON: obligd names the byte of the whole body.
                let record = offsets.lastIndex { $0 <= byte } ?? 0
                e.field = "\(file):\(lines[record])"
                e.error = String(e.error[..<at]) + " at byte \(byte - offsets[record] + 1) of the line"
            }
            throw DaemonClient.Failure.api(status: status, body: e)
        }
    }
}

enum ImportParser {
    /// The record (3) and the rest of the field (`metric`, nil for the record itself) of an error's
    /// field `records[3].metric`; nil for a field of no record.
    static func record(of field: String?) -> (Int, String?)? {
        guard let field, field.hasPrefix("records["), let close = field.firstIndex(of: "]"),
            let i = Int(field[field.index(field.startIndex, offsetBy: 8)..<close])
        else { return nil }
        let rest = field[field.index(after: close)...].drop { $0 == "." }
        return (i, rest.isEmpty ? nil : String(rest))
    }

    /// Where " at byte N" starts in a strict-JSON error of obligd's, and N (0-based in the body).
    static func byte(of error: String) -> (String.Index, Int)? {
        guard let at = error.range(of: " at byte ", options: .backwards), let n = Int(error[at.upperBound...]) else { return nil }
        return (at.lowerBound, n)
    }

    /// `{"records":[line,line,...]}` from the non-empty lines, the line number of each record, and
    /// where each record starts in the body.
    static func jsonLinesBody(_ text: String, file: String) throws -> (Data, [Int], [Int]) {
        // Bytes, not Strings: a few hundred thousand lines should cost milliseconds.
        let bytes = Array(text.utf8)
        var body = [UInt8]("{\"records\":[".utf8)
        body.reserveCapacity(bytes.count + 32)
        var lines: [Int] = [], offsets: [Int] = []
        var start = 0, lineNumber = 0
        func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 || b == 10 }
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 10 { end += 1 }
            lineNumber += 1
            var a = start, b = end
            while a < b, isSpace(bytes[a]) { a += 1 }
            while b > a, isSpace(bytes[b - 1]) { b -= 1 }
            if a < b {
                guard bytes[a] == UInt8(ascii: "{"), bytes[b - 1] == UInt8(ascii: "}") else {
                    throw UsageFailure(
                        "\(file):\(lineNumber): not a JSON object; expected one {\"type\":\"metric\"|\"event\",\"entity\":...} per line")
                }
                if !lines.isEmpty { body.append(UInt8(ascii: ",")) }
                offsets.append(body.count)
                body.append(contentsOf: bytes[a..<b])
                lines.append(lineNumber)
            }
            start = end + 1
        }
        guard !lines.isEmpty else { throw UsageFailure("\(file): no records") }
        body.append(contentsOf: "]}".utf8)
        return (Data(body), lines, offsets)
    }

    /// The records of a CSV file, and the line of each.
    static func csv(_ text: String, file: String) throws -> ([ImportRecord], [Int]) {
        let (rows, starts) = parseCSV(text)
        guard let header = rows.first else { return ([], []) }
        let known: Set<String> = ["type", "entity", "metric", "value", "kind", "at", "ref"]
        for h in header where !known.contains(h) && !h.hasPrefix("attr:") {
            throw UsageFailure("\(file):1: unknown column '\(h)'; use \(known.sorted().joined(separator: ",")) and attr:NAME")
        }
        var out: [ImportRecord] = []
        var lines: [Int] = []
        for (n, row) in rows.dropFirst().enumerated() {
            if row.count == 1 && row[0].isEmpty { continue }
            let line = starts[n + 1]  // a quoted field may hold line breaks
            guard row.count == header.count else {
                throw UsageFailure("\(file):\(line): \(row.count) fields, the header has \(header.count)")
            }
            var f: [String: String] = [:]
            var attrs: [String: String] = [:]
            for (h, v) in zip(header, row) where !v.isEmpty {
                if h.hasPrefix("attr:") { attrs[String(h.dropFirst(5))] = v } else { f[h] = v }
            }
            guard let type = f["type"], let entity = f["entity"] else {
                throw UsageFailure("\(file):\(line): 'type' and 'entity' are required")
            }
            var value: Int64?
            if let v = f["value"] {
                guard let n = Int64(v) else { throw UsageFailure("\(file):\(line): value '\(v)' is not a whole number") }
                value = n
            }
            out.append(
                ImportRecord(
                    type: type, entity: entity, metric: f["metric"], value: value, kind: f["kind"], at: f["at"], ref: f["ref"],
                    attributes: attrs.isEmpty ? nil : attrs))
            lines.append(line)
        }
        return (out, lines)
    }

    /// RFC 4180: fields separated by commas, optionally quoted with doubled quotes inside. Returns the
    /// rows and the line each starts on.
    static func parseCSV(_ text: String) -> ([[String]], [Int]) {
        var rows: [[String]] = []
        var starts: [Int] = [1]
        var line = 1
        var row: [String] = []
        var field = ""
        var quoted = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let c = pending ?? it.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let n = it.next() {
                        if n == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pending = n
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                quoted = true
            } else if c == "," {
                row.append(field)
                field = ""
            } else if c == "\n" {
                row.append(field)
                field = ""
                rows.append(row)
                row = []
                line += 1
                starts.append(line)
            } else if c != "\r" {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty {
            row.append(field)
            rows.append(row)
        }
        return (rows, Array(starts.prefix(rows.count)))
    }
}
