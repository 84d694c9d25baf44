import DeadlineKit
import Foundation
import Rules

/// Reading, saving and closing obligations.
extension Recorder {
    /// Obligation `id`; `StoreError.notFound` when there is none.
    package func obligation(_ id: Int64) throws -> Obligation {
        guard let o = try sql.one(Obligation.self, "SELECT * FROM obligation WHERE id = ?", [id]) else {
            throw StoreError.notFound("obligation \(id)")
        }
        return o
    }

    /// Writes back a derived obligation with a cached statement: a re-derivation or recompute that moves
    /// a million obligations spent most of its time preparing GRDB's update statement for each.
    func save(_ o: Obligation) throws {
        try sql.execute(
            """
            UPDATE obligation SET title = ?, start = ?, period = ?, roll = ?, due = ?, dueInstant = ?, calendars = ?, provisional = ?,
              status = ?, nextStageIndex = ?, nextReminderAt = ?, closedOn = ?, closedNote = ?, updatedAt = ? WHERE id = ?
            """,
            o.title, o.start, o.period, o.roll, o.due, o.dueInstant, o.calendars, o.provisional,
            o.status, o.nextStageIndex, o.nextReminderAt, o.closedOn, o.closedNote, o.updatedAt, o.id)
    }

    /// Closes (done, waived) or reopens obligation `id`. Done opens the successor of a recurring
    /// obligation unless its due day already did; the result names the one it opened.
    @discardableResult
    package func close(
        _ id: Int64, as status: Obligation.Status, on day: CivilDate?, note: String?
    ) throws -> (obligation: Obligation, successor: Obligation?) {
        if let note { try Limits.check(note, field: "note", max: Limits.note, multiline: true) }
        if let day { try Limits.check(day, field: "date") }
        var o = try obligation(id)
        let before = try json(o)
        switch status {
        case .done:
            guard o.status == .open else {
                throw StoreError.conflict("obligation \(id) is \(o.status.rawValue), not open; reopen it first")
            }
        case .waived:
            guard o.status == .open else {
                throw StoreError.conflict("obligation \(id) is \(o.status.rawValue), not open; reopen it first")
            }
            guard let note, !note.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StoreError.invalid(
                    field: "note", problem: "a waiver needs a reason",
                    fix: "say why in note (obligctl waive ID --reason \"not in scope: no facial data stored\")")
            }
        case .open:
            guard o.status != .open else { throw StoreError.conflict("obligation \(id) is already open") }
        case .lapsed:
            throw StoreError.invalid(
                field: "status", problem: "an obligation lapses only by an event that ends its duty (a certificate suspended or revoked)",
                fix: "record that event with the issuing event's --ref, or mark it done or waive it")
        }
        let e = try entity(o.entityId)
        let zone = try zone(e)
        o.status = status
        o.closedOn = status == .open ? nil : (day ?? zone.day(of: now))
        if status == .open {
            try armReminders(&o)
        } else {
            o.nextStageIndex = nil
            o.nextReminderAt = nil
        }
        o.closedNote = status == .open ? nil : note
        o.updatedAt = now.secondsSinceEpoch
        try save(o)
        // Closing ends an acknowledgement (the audit keeps it); a reopened obligation starts unclaimed.
        try sql.execute("DELETE FROM acknowledgement WHERE obligationId = ?", id)
        let (kind, action): (NotificationKind, AuditAction) =
            switch status {
            case .open: (.reopened, .obligationReopened)
            case .done: (.done, .obligationDone)
            case .waived: (.waived, .obligationWaived)
            case .lapsed: (.lapsed, .obligationLapsed)
            }
        try audit(action, subject: "obligation:\(id)", before: before, after: try json(o), note: note)
        try notify(kind, o)
        let successor = status == .done ? try openSuccessor(of: o, because: "recurs: obligation \(id) was done on \(o.closedOn!)") : nil
        return (o, successor)
    }
}
