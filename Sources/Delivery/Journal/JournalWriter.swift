import CSystemd
import Foundation

/// Writes structured entries to the systemd journal through `sd_journal_sendv` (`sd_journal_send` is
/// variadic and unavailable in Swift). Each field is one "KEY=value" iovec; values may contain newlines.
///
/// `sd_journal_sendv` reports success even when nothing listens, so the writer decides by the socket's
/// presence: without `/run/systemd/journal/socket` (a container, a test) the same fields go to stderr
/// as one `KEY=value` line. It never throws and never crashes the daemon.
package struct JournalWriter: Sendable {
    /// systemd-journald's native protocol socket.
    package static let defaultSocketPath = "/run/systemd/journal/socket"

    /// The socket whose presence, checked at each write, decides between journald and the fallback.
    package let socketPath: String
    /// `journal` (the journal, else `KEY=value` lines), or human `text` or `json` lines on stderr.
    package let format: LogFormat
    let fallback: @Sendable (String) -> Void

    /// - Parameter fallback: where lines go instead of the journal (default: stderr); tests capture them.
    package init(
        socketPath: String = JournalWriter.defaultSocketPath, format: LogFormat = .journal,
        fallback: (@Sendable (String) -> Void)? = nil
    ) {
        self.socketPath = socketPath
        self.format = format
        self.fallback = fallback ?? JournalWriter.writeToStderr
    }

    /// Whether entries go to journald (true) or to the fallback (false), decided at each write so that a
    /// journald started after obligd is picked up.
    package var journalAvailable: Bool { FileManager.default.fileExists(atPath: socketPath) }

    /// Sends one entry. Fields with empty names are skipped; order is kept.
    package func send(_ fields: [(name: String, value: String)]) {
        switch format {
        case .journal:
            if journalAvailable, sendToJournal(fields) { return }
            fallback(Self.line(fields))
        case .text: fallback(LogFormat.textLine(fields, at: Date()))
        case .json: fallback(LogFormat.jsonLine(fields, at: Date()))
        }
    }

    private func sendToJournal(_ fields: [(name: String, value: String)]) -> Bool {
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { for b in buffers { b.deallocate() } }
        var iov: [iovec] = []
        for (name, value) in fields where !name.isEmpty {
            let bytes = Array("\(name)=\(value)".utf8)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
            buffer.copyBytes(from: bytes)
            buffers.append(buffer)
            iov.append(iovec(iov_base: buffer.baseAddress, iov_len: bytes.count))
        }
        let rc = iov.withUnsafeBufferPointer { sd_journal_sendv($0.baseAddress, Int32($0.count)) }
        return rc >= 0
    }

    /// One line of `KEY=value` pairs; values with spaces, quotes, `=` or control characters are quoted
    /// JSON-style so the line can be parsed back.
    package static func line(_ fields: [(name: String, value: String)]) -> String {
        fields.filter { !$0.name.isEmpty }.map { "\($0.name)=\(quote($0.value))" }.joined(separator: " ")
    }

    static func quote(_ v: String) -> String {
        let needs =
            v.isEmpty
            || v.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7f }
        guard needs else { return v }
        var out = "\""
        for s in v.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if s.value < 0x20 || s.value == 0x7f {
                    out += String(format: "\\u%04x", s.value)
                } else {
                    out.unicodeScalars.append(s)
                }
            }
        }
        return out + "\""
    }

    /// One write(2) per line so concurrent lines do not interleave.
    @Sendable static func writeToStderr(_ line: String) {
        let bytes = Array((line + "\n").utf8)
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(2, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 {
                    if n < 0, errno == EINTR { continue }
                    return
                }
                offset += n
            }
        }
    }
}

extension JournalWriter {
    /// The journal fields of a notification: MESSAGE (the rendered summary), PRIORITY, the class's
    /// MESSAGE_ID and the OBLIGD_* fields the catalog and operators' filters use.
    package static func fields(for n: Notification, rendered: RenderedMessage, citation: String) -> [(name: String, value: String)] {
        var f: [(name: String, value: String)] = [
            ("MESSAGE", rendered.summary),
            ("PRIORITY", String(n.severity.syslogPriority)),
            ("MESSAGE_ID", n.messageClass?.messageID ?? ""),
            ("SYSLOG_IDENTIFIER", "obligd"),
            ("OBLIGD_KIND", n.kind.rawValue),
            ("OBLIGD_OUTBOX_ID", n.id),
            ("OBLIGD_ENTITY", n.entity),
            ("OBLIGD_OBLIGATION", String(n.obligation)),
            ("OBLIGD_RULE", n.rule.isEmpty ? "custom" : n.rule),
            ("OBLIGD_TITLE", n.title),
            ("OBLIGD_DUE", n.due),
            ("OBLIGD_PROVISIONAL", n.provisional ? "true" : "false"),
            ("OBLIGD_CITATION", citation),
            ("OBLIGD_SEVERITY", n.severity.rawValue)
        ]
        if let s = n.stageName { f.append(("OBLIGD_STAGE", s)) }
        if let from = n.from { f.append(("OBLIGD_FROM", from)) }
        if let reason = n.reason { f.append(("OBLIGD_REASON", reason)) }
        if let receiver = n.receiver { f.append(("OBLIGD_RECEIVER", receiver)) }
        if let error = n.error { f.append(("OBLIGD_ERROR", error)) }
        return f
    }

    /// Writes notification `n` to the journal as `fields(for:rendered:citation:)` gives them, `citation` being the
    /// rule's legal basis.
    package func record(_ n: Notification, rendered: RenderedMessage, citation: String) {
        send(Self.fields(for: n, rendered: rendered, citation: citation))
    }
}
