/// The audit trail's JSON of an obligation (its `before` and `after`), written by hand in exactly the
/// bytes `JSONEncoder` with sorted keys gives (a test holds the two together).
///
/// A re-derivation or recompute that moves a million obligations writes two of these per move;
/// `JSONEncoder` sorting and boxing nineteen keys each time was a quarter of the work.
extension Obligation {
    var auditJSON: String {
        var w = AuditJSONWriter()
        w.field("calendars", calendars.json)
        if let closedNote { w.field("closedNote", closedNote) }
        if let closedOn { w.field("closedOn", closedOn.description) }
        w.field("createdAt", createdAt)
        w.field("due", due.description)
        w.field("dueInstant", dueInstant)
        w.field("entityId", entityId)
        if let id { w.field("id", id) }
        if let nextReminderAt { w.field("nextReminderAt", nextReminderAt) }
        if let nextStageIndex { w.field("nextStageIndex", Int64(nextStageIndex)) }
        w.field("period", period.description)
        w.field("provisional", provisional)
        if let roll { w.field("roll", roll.rawValue) }
        if let ruleId { w.field("ruleId", ruleId) }
        w.field("start", start.description)
        w.field("status", status.rawValue)
        w.field("title", title)
        w.field("triggerKey", triggerKey.description)
        w.field("updatedAt", updatedAt)
        return w.finish()
    }
}

/// A flat JSON object, keys given in order; strings escaped as Foundation's `JSONEncoder` escapes them.
/// Works on UTF-8 bytes: every byte that needs escaping is ASCII, and multi-byte sequences pass through.
struct AuditJSONWriter {
    private var out: [UInt8] = [UInt8(ascii: "{")]
    private var first = true
    /// `/` as `\/`, as `JSONEncoder` does unless told `.withoutEscapingSlashes`.
    private let escapeSlashes: Bool

    init(escapeSlashes: Bool = true) {
        self.escapeSlashes = escapeSlashes
        out.reserveCapacity(512)
    }

    private mutating func key(_ name: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        Self.appendQuoted(value, escapeSlashes: escapeSlashes, to: &out)
    }

    mutating func field(_ name: StaticString, _ value: Int64) {
        key(name)
        out.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        out.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func finish() -> String {
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    static func appendQuoted(_ s: String, escapeSlashes: Bool, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(b)
            case UInt8(ascii: "/") where escapeSlashes:
                out.append(UInt8(ascii: "\\"))
                out.append(b)
            case 0x0A:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "n"))
            case 0x0D:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "r"))
            case 0x09:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "t"))
            case 0x08:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "b"))
            case 0x0C:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                out.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]
                ])
            default:
                out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
