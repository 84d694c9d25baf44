import Foundation

/// How obligd writes its log and the notices it journals.
///
/// Under systemd the journal keeps each entry's structured fields (`journal`). In a terminal, or with
/// no journal at all (a container, `scripts/quickstart`), a person reads the lines, so they are one
/// human line each (`text`); a log shipper gets one JSON object per line (`json`).
package enum LogFormat: String, Sendable, CaseIterable {
    /// The journal when its socket is there, else one `KEY=value` line per entry on stderr.
    case journal
    /// "2026-11-24 11:38:02 notice  obligd ready on ...", then the entry's own fields.
    case text
    /// One JSON object per line: time, level, message and the entry's fields.
    case json

    /// `--log-format auto`: text when stderr is a terminal or no journal listens, else the journal.
    package static func automatic(journalSocket: String = JournalWriter.defaultSocketPath) -> LogFormat {
        if isatty(2) != 0 || !FileManager.default.fileExists(atPath: journalSocket) { return .text }
        return .journal
    }

    /// The level names of syslog priorities 0-7, as the text and JSON lines say them.
    static let levels = ["emerg", "alert", "crit", "error", "warning", "notice", "info", "debug"]

    /// Fields a line shows in its own place (time, level, message) or not at all (the journal's
    /// bookkeeping); the rest follow the message.
    static let omitted: Set<String> = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC"]

    /// `OBLIGD_RECEIVER` -> `receiver`; other journal names in lower case.
    static func key(_ field: String) -> String {
        (field.hasPrefix("OBLIGD_") ? String(field.dropFirst(7)) : field).lowercased()
    }

    static let clock: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
        return f
    }()

    /// One human line: local time, level, message, then `key=value` for the entry's other fields.
    static func textLine(_ fields: [(name: String, value: String)], at date: Date) -> String {
        let value = { (name: String) in fields.first { $0.name == name }?.value }
        let priority = value("PRIORITY").flatMap(Int.init) ?? 6
        let level = levels[min(max(priority, 0), 7)]
        var line = "\(clock.string(from: date)) \(level.padding(toLength: 7, withPad: " ", startingAt: 0)) "
        line += (value("MESSAGE") ?? "").replacingOccurrences(of: "\n", with: " | ")
        let rest = fields.filter { !$0.name.isEmpty && !omitted.contains($0.name) && $0.name != "OBLIGD_LOGGER" }
        if !rest.isEmpty {
            line += "  " + rest.map { "\(key($0.name))=\(JournalWriter.quote($0.value))" }.joined(separator: " ")
        }
        return line
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// One JSON object: `time` (UTC, ms), `level`, `message` and every other field by its `key` name.
    static func jsonLine(_ fields: [(name: String, value: String)], at date: Date) -> String {
        var object: [String: String] = [:]
        for (name, value) in fields where !name.isEmpty && name != "PRIORITY" && name != "MESSAGE" { object[key(name)] = value }
        let priority = fields.first { $0.name == "PRIORITY" }.flatMap { Int($0.value) } ?? 6
        object["level"] = levels[min(max(priority, 0), 7)]
        object["message"] = fields.first { $0.name == "MESSAGE" }?.value ?? ""
        object["time"] = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        let data = (try? encoder.encode(object)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
