import DeadlineKit
import Foundation
import Rules

extension OutboxPayload {
    /// What an outbox row's payload is: a notice about one obligation, or a receiver's daily agenda.
    package enum Read: Sendable {
        case notice(OutboxPayload)
        case agenda(receiver: String, day: String)
    }

    /// Reads an outbox payload strictly, so a bug that wrote a bad row shows up as a clear error on
    /// that row instead of a half-empty chat message. The same type writes it (`json`).
    package static func read(_ payload: String, outboxId id: String) throws(NotificationError) -> Read {
        let object: [String: Any]
        do {
            guard let o = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else {
                throw NotificationError(outboxId: id, problem: "payload is not a JSON object")
            }
            object = o
        } catch let e as NotificationError {
            throw e
        } catch {
            throw NotificationError(outboxId: id, problem: "payload is not valid JSON")
        }
        let r = PayloadReader(id: id, values: object)
        let kindText = try r.string("kind")
        if kindText == NotificationKind.agenda.rawValue {
            return .agenda(receiver: try r.string("receiver"), day: try r.string("day"))
        }
        guard let kind = NotificationKind(rawValue: kindText), kind != .digest else {
            let known = NotificationKind.outboxKinds.map(\.rawValue).joined(separator: ", ")
            throw NotificationError(outboxId: id, problem: "unknown kind '\(kindText)'; known: \(known)")
        }
        // In the order the fields are checked since the first version: the first problem is the one reported.
        let obligation = try r.int("obligation"), entity = try r.string("entity")
        let rule = try r.optionalString("rule") ?? "", title = try r.string("title"), due = try r.string("due")
        do { _ = try CivilDate(parsing: due) } catch {
            throw NotificationError(outboxId: id, problem: "due '\(due)' is not a YYYY-MM-DD day")
        }
        var p = OutboxPayload(
            kind: kind, obligation: obligation, entity: entity, rule: rule, title: title, due: due,
            dueInstant: try r.int("dueInstant"), provisional: try r.bool("provisional"),
            status: try r.optionalString("status") ?? "open")
        p.detail = Detail(
            stage: try r.optionalString("stage"), stageKey: try r.optionalString("stageKey"), late: try r.optionalBool("late"),
            scheduledAt: try r.optionalInt("scheduledAt"), collapsed: try r.optionalInt("collapsed").map { Int($0) },
            lateWorkingDays: try r.optionalInt("lateWorkingDays").map { Int($0) },
            from: try r.optionalString("from"), reason: try r.optionalString("reason"),
            receiver: try r.optionalString("receiver"), error: try r.optionalString("error"))
        if kind == .reminder, p.detail.stage == nil {
            throw NotificationError(outboxId: id, problem: "a reminder needs 'stage'")
        }
        return .notice(p)
    }
}

/// An outbox row that cannot be turned into a notification.
package struct NotificationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The row that does not read, so the operator can drop or inspect it.
    package var outboxId: String
    /// What is wrong with its payload (a missing field, a kind this version does not know).
    package var problem: String
    /// An error on row `outboxId`.
    package init(outboxId: String, problem: String) {
        self.outboxId = outboxId
        self.problem = problem
    }
    /// `outbox ID: problem`: the row named first, so a log line leads to it.
    package var description: String { "outbox \(outboxId): \(problem)" }
}

/// Typed access to a payload dictionary from JSONSerialization, telling numbers from booleans (on
/// Linux both are NSNumber).
struct PayloadReader {
    let id: String
    let values: [String: Any]

    private func fail(_ key: String, _ what: String) -> NotificationError {
        NotificationError(outboxId: id, problem: values[key] == nil ? "missing '\(key)' (\(what))" : "'\(key)' is not \(what)")
    }

    private static func isBool(_ n: NSNumber) -> Bool { JSONObject.isBoolean(n) }

    func string(_ key: String) throws(NotificationError) -> String {
        guard let s = values[key] as? String else { throw fail(key, "a string") }
        return s
    }

    func optionalString(_ key: String) throws(NotificationError) -> String? {
        guard let v = values[key], !(v is NSNull) else { return nil }
        guard let s = v as? String else { throw fail(key, "a string") }
        return s
    }

    func int(_ key: String) throws(NotificationError) -> Int64 {
        guard let n = values[key] as? NSNumber, !Self.isBool(n), n.doubleValue == n.doubleValue.rounded() else {
            throw fail(key, "a whole number")
        }
        return n.int64Value
    }

    func optionalInt(_ key: String) throws(NotificationError) -> Int64? {
        guard let v = values[key], !(v is NSNull) else { return nil }
        return try int(key)
    }

    func bool(_ key: String) throws(NotificationError) -> Bool {
        guard let n = values[key] as? NSNumber, Self.isBool(n) else { throw fail(key, "true or false") }
        return n.boolValue
    }

    func optionalBool(_ key: String) throws(NotificationError) -> Bool? {
        guard let v = values[key], !(v is NSNull) else { return nil }
        return try bool(key)
    }
}
