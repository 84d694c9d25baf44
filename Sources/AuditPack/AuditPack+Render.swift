import Foundation
import Mustache
import Rules
import Store

/// The forms a pack is written in.
package enum PackFormat: String, Sendable, CaseIterable {
    /// One self-contained HTML file (inline CSS, no script, no external resource) that embeds the JSON.
    case html
    case json

    /// Parses `--format` / `format=`; a clear error naming the choices otherwise.
    package static func parse(_ text: String) throws -> PackFormat {
        guard let f = PackFormat(rawValue: text) else {
            throw StoreError.invalid(field: "format", problem: "'\(text)' is not a pack format", fix: "use html or json")
        }
        return f
    }

    /// The Content-Type a pack of this form is served and written with.
    package var mediaType: String { self == .html ? "text/html; charset=utf-8" : "application/json" }
}

extension AuditPack {
    /// The id of the `<script type="application/json">` element that carries the data in the HTML pack.
    package static let dataElementID = "obligd-audit-pack"

    /// The pack as bytes in `format`: JSON with sorted keys, or HTML in the pack's language.
    package static func render(_ pack: AuditPackDocument, as format: PackFormat) throws -> [UInt8] {
        switch format {
        case .json: return Array(try json(pack))
        case .html: return Array(html(pack).utf8)
        }
    }

    /// The JSON form: sorted keys, so the same pack is the same bytes.
    static func json(_ pack: AuditPackDocument) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(pack)
    }

    /// The HTML form, rendered from `pack` alone (so `verify` can render it again and compare).
    static func html(_ pack: AuditPackDocument) -> String {
        let language = Language(rawValue: pack.language) ?? .en
        let t = PackPhrases.of(language)
        var context: [String: Any] = [
            "lang": language.rawValue, "t": t.values, "entityName": pack.entity.name,
            "entityId": pack.entity.id, "zone": pack.entity.zone, "region": pack.entity.region,
            "from": pack.from, "to": pack.to, "generatedAt": pack.generatedAt, "generatedBy": pack.generatedBy,
            "chainRows": "\(pack.chain.rows)", "chainHeadId": "\(pack.chain.headId)", "chainHeadHash": pack.chain.headHash,
            "chainResult": pack.chain.intact ? t["chainIntact"] : t["chainBroken"] + " " + (pack.chain.problem ?? ""),
            "chainIntact": pack.chain.intact, "evidenceFiles": "\(pack.chain.evidenceFiles)",
            "evidenceBytes": Evidence.size(pack.chain.evidenceBytes), "totals": totals(pack.totals, t),
            "none": pack.obligations.isEmpty
        ]
        if let owner = pack.entity.owner { context["owner"] = owner }
        context["sections"] = sections(pack.obligations, t)
        context["packJSON"] = embeddedJSON(pack)
        return Templates.library.render(context, withTemplate: "pack-\(language.rawValue)") ?? ""
    }

    /// The obligations' sections in order, rendered on every core in a few chunks (the same text as
    /// one after the other: each section depends on its obligation alone).
    private static func sections(_ obligations: [PackObligation], _ t: PackPhrases) -> String {
        let name = "obligation-\(t.language.rawValue)"
        let count = obligations.count
        let chunks = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / 250))
        let parts = SectionParts(count: chunks)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var text = ""
            for o in obligations[(count * c / chunks)..<(count * (c + 1) / chunks)] {
                text += Templates.library.render(obligation(o, t), withTemplate: name) ?? ""
            }
            parts.set(c, text)
        }
        return parts.joined()
    }

    /// The JSON for the `<script type="application/json">` element: `<`, `>` and `&` written as
    /// `\u003c`, `\u003e`, `\u0026` (the same JSON), so no text in it can end the element.
    package static func embeddedJSON(_ pack: AuditPackDocument) -> String {
        let json = (try? json(pack)) ?? Data("{}".utf8)
        // Byte by byte: the three are ASCII, so no UTF-8 sequence is split. (Foundation's
        // replacingOccurrences took a third of a 10,000-obligation pack's time.)
        var out: [UInt8] = []
        out.reserveCapacity(json.count + json.count / 64)
        for byte in json {
            switch byte {
            case UInt8(ascii: "&"): out.append(contentsOf: Array("\\u0026".utf8))
            case UInt8(ascii: "<"): out.append(contentsOf: Array("\\u003c".utf8))
            case UInt8(ascii: ">"): out.append(contentsOf: Array("\\u003e".utf8))
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func totals(_ totals: PackTotals, _ t: PackPhrases) -> [[String: Any]] {
        [
            ["label": t["obligations"], "n": "\(totals.obligations)"], ["label": t["onTime"], "n": "\(totals.onTime)"],
            ["label": t["late"], "n": "\(totals.late)"], ["label": t["waived"], "n": "\(totals.waived)"],
            ["label": t["open"], "n": "\(totals.open)"], ["label": t["overdue"], "n": "\(totals.overdue)"],
            ["label": t["lapsed"], "n": "\(totals.lapsed)"]
        ]
    }

    private static func outcomeText(_ o: PackOutcome, _ t: PackPhrases) -> String {
        switch o.kind {
        case .onTime: return t["onTime"]
        case .waived: return t["waived"]
        case .lapsed: return t["lapsed"]
        case .open: return t["open"]
        case .late, .overdue:
            let label = o.kind == .late ? t["late"] : t["overdue"]
            let working = o.workingDaysLate.map { t.workingDays($0) } ?? ""
            let days = o.daysLate.map { t.days($0) } ?? ""
            return "\(label): \([working, days].filter { !$0.isEmpty }.joined(separator: ", "))"
        }
    }

    private static func obligation(_ o: PackObligation, _ t: PackPhrases) -> [String: Any] {
        var v: [String: Any] = [
            "id": "\(o.id)", "title": o.title, "trigger": o.trigger, "start": o.start, "period": o.period, "due": o.due,
            "calendars": o.calendars.joined(separator: "; "), "provisional": o.provisional,
            "status": t.status(o.status), "closedOn": o.closedOn ?? "—", "sourceId": "\(o.source.id)", "sourceHash": o.source.hash,
            "outcome": outcomeText(o.outcome, t), "late": o.outcome.kind == .late || o.outcome.kind == .overdue,
            "history": o.history.map { row in
                [
                    "id": "\(row.audit.id)", "hash": row.audit.hash, "at": row.at, "actor": row.actor, "action": t.action(row.action),
                    "text": rowText(row, t)
                ] as [String: Any]
            },
            "hasEvidence": !o.evidence.isEmpty,
            "evidence": o.evidence.map { e in
                [
                    "number": "\(e.number)", "name": e.name, "mediaType": e.mediaType, "size": Evidence.size(e.size), "sha256": e.sha256,
                    "reference": e.reference ?? "", "addedAt": e.addedAt, "actor": e.actor, "auditId": "\(e.audit.id)"
                ] as [String: Any]
            },
            "hasReminders": !o.reminders.isEmpty,
            "reminders": o.reminders.map { r in
                [
                    "stage": r.stage, "dueAt": r.dueAt, "firedAt": r.firedAt, "late": r.late, "notice": r.notice ?? "—",
                    "journal": r.journal ?? "—",
                    "deliveries": r.deliveries.isEmpty
                        ? t["journalOnly"]
                        : r.deliveries.map { d in
                            "\(d.receiver): \(d.status)" + (d.deliveredAt.map { " \($0)" } ?? "") + (d.lastError.map { " (\($0))" } ?? "")
                        }.joined(separator: "; ")
                ] as [String: Any]
            }
        ]
        if let roll = o.roll { v["roll"] = roll }
        if let rule = o.rule { v["rule"] = ["id": rule.id, "title": rule.title, "citation": rule.citation] }
        return v
    }

    private static func rowText(_ row: PackRow, _ t: PackPhrases) -> String {
        var parts: [String] = []
        if let before = row.dueBefore, let due = row.due {
            parts.append("\(t["due"]) \(before) → \(due)")
        } else if let due = row.due {
            parts.append("\(t["due"]) \(due)")
        }
        if let closed = row.closedOn { parts.append("\(t["closedOn"]) \(closed)") }
        if let file = row.file, let sha = row.sha256 { parts.append("\(file) SHA-256 \(sha)") }
        if let detail = row.detail { parts.append(detail) }
        if let note = row.note { parts.append("\(t["reason"]): \(note)") }
        return parts.joined(separator: "; ")
    }
}

/// The chunks of sections rendered in parallel, each stored by its index under a lock.
private final class SectionParts: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [String]

    init(count: Int) { parts = Array(repeating: "", count: count) }

    func set(_ index: Int, _ text: String) { lock.withLock { parts[index] = text } }

    func joined() -> String { lock.withLock { parts.joined() } }
}
