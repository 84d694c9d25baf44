import Logging

/// A swift-log handler writing the daemon's own logs to the journal: levels map to syslog priorities,
/// metadata to fields (`OBLIGD_` + the key uppercased, other characters as `_`), and the source
/// location to CODE_FILE/CODE_LINE/CODE_FUNC, so `journalctl -u obligd OBLIGD_RECEIVER=ops` works.
/// Without a journal socket it falls back to one stderr line per entry, like `JournalWriter`.
package struct JournalLogHandler: LogHandler {
    /// Metadata added to every entry of this logger, as `OBLIGD_` fields.
    package var metadata: Logger.Metadata = [:]
    /// The lowest level written; lower ones are dropped before formatting.
    package var logLevel: Logger.Level = .info
    /// Task-local metadata merged into each entry (the entry's own wins on a clash).
    package var metadataProvider: Logger.MetadataProvider?
    /// The logger's label, written as `OBLIGD_LOGGER` so entries can be filtered by subsystem.
    package let label: String
    let writer: JournalWriter

    /// A handler for logger `label`, writing to the system journal unless given another writer.
    package init(label: String, writer: JournalWriter = JournalWriter(), metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.writer = writer
        self.metadataProvider = metadataProvider
    }

    /// One metadata value of this logger, as swift-log's `LogHandler` requires.
    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The syslog priority journald stores for `level` (trace and debug 7 ... critical 2).
    package static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// `OBLIGD_` + the key in upper case with anything outside A-Z, 0-9 and _ replaced, at most 64
    /// characters (journald's limit for field names).
    package static func fieldName(_ key: String) -> String {
        let upper = key.uppercased().unicodeScalars.map { s -> Character in
            (("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "_") ? Character(s) : "_"
        }
        return String(("OBLIGD_" + String(upper)).prefix(64))
    }

    /// Writes one entry: message, priority, source location and metadata, as journal fields.
    package func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var fields: [(name: String, value: String)] = [
            ("MESSAGE", event.message.description),
            ("PRIORITY", String(Self.priority(event.level))),
            ("SYSLOG_IDENTIFIER", "obligd"),
            ("OBLIGD_LOGGER", label),
            ("CODE_FILE", event.file),
            ("CODE_LINE", String(event.line)),
            ("CODE_FUNC", event.function)
        ]
        if let error = event.error { fields.append(("OBLIGD_ERROR", String(describing: error))) }
        for key in merged.keys.sorted() {
            fields.append((Self.fieldName(key), merged[key]!.description))
        }
        writer.send(fields)
    }
}
