import DeadlineKit
import Foundation
import GRDB

/// Someone has taken an open obligation (`obligctl ack`): who, why, since when, and until which day.
/// While it holds, reminders are reduced: of the before-stages only the last goes out, overdue repeats
/// at most once a day; the due-day reminder always goes. Closing the obligation ends it; the audit
/// keeps it. One row per obligation (migration v5).
package struct Acknowledgement: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "acknowledgement"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// The obligation taken; one acknowledgement per obligation, a new one replaces it.
    package var obligationId: Int64
    /// The actor who acknowledged it (the API caller).
    package var actor: String
    /// Who does what about it (required, e.g. "Li Wei files it on Friday"); the audit row keeps it too.
    package var note: String
    /// Epoch seconds.
    package var at: Int64
    /// The last day (YYYY-MM-DD, the entity's zone) it holds; nil: until the obligation is closed.
    package var until: String?

    /// Whether it still holds on `today`.
    package func holds(on today: CivilDate) -> Bool {
        guard let until, let last = try? CivilDate(parsing: until) else { return true }
        return today <= last
    }
}

extension Recorder {
    /// Records that the caller has taken obligation `id`, replacing an earlier acknowledgement. Audited.
    package func acknowledge(_ id: Int64, note: String?, until: CivilDate?) throws -> (Obligation, Acknowledgement) {
        if let until { try Limits.check(until, field: "until") }
        if let note { try Limits.check(note, field: "note", max: Limits.note, multiline: true) }
        let o = try obligation(id)
        guard o.status == .open else {
            throw StoreError.conflict("obligation \(id) is \(o.status.rawValue), not open: nothing to acknowledge")
        }
        guard let note, !note.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError.invalid(
                field: "note", problem: "an acknowledgement needs a note",
                fix: "say who does what, e.g. --note \"Li Wei files it on Friday\"")
        }
        let today = try zone(try entity(o.entityId)).day(of: now)
        if let until, until < today {
            throw StoreError.invalid(
                field: "until", problem: "\(until) is in the past (today is \(today))",
                fix: "give today or a later day, or leave --until out")
        }
        let before = try sql.one(Acknowledgement.self, "SELECT * FROM acknowledgement WHERE obligationId = ?", [id])
        let ack = Acknowledgement(obligationId: id, actor: actor, note: note, at: now.secondsSinceEpoch, until: until?.description)
        if before == nil {
            try sql.insert(ack, returningID: false)
        } else {
            try sql.execute(
                "UPDATE acknowledgement SET actor = ?, note = ?, at = ?, until = ? WHERE obligationId = ?", ack.actor, ack.note, ack.at,
                ack.until, id)
        }
        try audit(
            .obligationAcknowledged, subject: "obligation:\(id)", before: before.map { "acknowledged by \($0.actor): \($0.note)" },
            after: "acknowledged by \(actor)" + (until.map { " until \($0)" } ?? ""), note: note)
        return (o, ack)
    }

    /// The acknowledgements of `ids`, by obligation.
    package func acknowledgements(of ids: [Int64]) throws -> [Int64: Acknowledgement] {
        guard !ids.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        let acks = try sql.all(Acknowledgement.self, "SELECT * FROM acknowledgement WHERE obligationId IN (\(marks))", ids)
        return Dictionary(uniqueKeysWithValues: acks.map { ($0.obligationId, $0) })
    }
}
