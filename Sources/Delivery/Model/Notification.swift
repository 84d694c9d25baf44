import DeadlineKit
import Foundation
import Rules
import Store

/// The kinds of notification the outbox carries (`kind` in the payload).
public enum NotificationKind: String, Sendable, CaseIterable {
    case opened = "obligation.opened"
    case moved = "obligation.moved"
    case done = "obligation.done"
    case waived = "obligation.waived"
    case reopened = "obligation.reopened"
    /// A changed or removed rule no longer gives this open obligation; it is left open for a person.
    case underived = "obligation.underived"
    case reminder
    /// A receiver stopped accepting notifications (dead-lettered); journal only, so a broken receiver
    /// cannot feed a loop of failure notices to itself.
    case deliveryFailing = "delivery.failing"
    /// Several change notices for one receiver in one message (never in the outbox: formed per
    /// receiver from the notices queued for it; each member was journaled on its own).
    case digest
    /// A receiver's daily agenda (overdue, due this week, moved since the last one); for that receiver
    /// only, not journaled.
    case agenda

    /// The kinds an outbox row carries (all but `digest`).
    public static let outboxKinds = allCases.filter { $0 != .digest }
}

/// An outbox row read back as a typed notification: what happened to which obligation, when it is due,
/// and (for reminders) which stage fired. Decoding is strict so that a scheduler bug shows up as a clear
/// error on that row instead of a half-empty chat message.
public struct Notification: Sendable, Equatable {
    /// The outbox id: the webhook-id every retry repeats, so receivers can deduplicate.
    public var id: String
    public var createdAt: Int64
    public var kind: NotificationKind
    public var obligation: Int64
    public var entity: String
    /// The rule id; "" for a custom obligation.
    public var rule: String
    public var title: String
    /// The due day, `YYYY-MM-DD` in the entity's zone.
    public var due: String
    /// The due instant, epoch seconds UTC.
    public var dueInstant: Int64
    public var provisional: Bool
    public var status: String
    /// Reminders: the stage that fired, e.g. `before:-7d`, `due`, `overdue:2` (a `@day` suffix, if the
    /// scheduler adds one to its ledger key, is kept here and ignored by `stageName`).
    public var stage: String?
    /// Reminders: fired after its instant (the daemon was down, or caught up).
    public var late: Bool
    public var scheduledAt: Int64?
    /// Moves: the old due day and why it moved.
    public var from: String?
    public var reason: String?
    /// delivery.failing: the receiver that gave up and its last error.
    public var receiver: String?
    public var error: String?
    /// The JSON payload as stored; the `standard` format forwards it unchanged.
    public var payload: String

    /// A digest: `payload` is its JSON (members and counts), `severity` the most urgent member's.
    init(digest id: String, createdAt: Int64, payload: String) {
        self.id = id
        self.createdAt = createdAt
        kind = .digest
        obligation = 0
        entity = ""
        rule = ""
        title = ""
        due = ""
        dueInstant = 0
        provisional = false
        status = ""
        late = false
        self.payload = payload
    }

    public init(outbox entry: OutboxEntry) throws(NotificationError) {
        try self.init(id: entry.id, createdAt: entry.createdAt, payload: entry.payload)
    }

    public init(id: String, createdAt: Int64, payload: String) throws(NotificationError) {
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
            self = Notification(digest: id, createdAt: createdAt, payload: payload)
            kind = .agenda
            receiver = try r.string("receiver")
            due = try r.string("day")
            return
        }
        guard let kind = NotificationKind(rawValue: kindText), kind != .digest else {
            throw NotificationError(outboxId: id, problem: "unknown kind '\(kindText)'; known: \(NotificationKind.outboxKinds.map(\.rawValue).joined(separator: ", "))")
        }
        self.id = id
        self.createdAt = createdAt
        self.kind = kind
        self.payload = payload
        obligation = try r.int("obligation")
        entity = try r.string("entity")
        rule = try r.optionalString("rule") ?? ""
        title = try r.string("title")
        due = try r.string("due")
        do { _ = try CivilDate(parsing: due) } catch {
            throw NotificationError(outboxId: id, problem: "due '\(due)' is not a YYYY-MM-DD day")
        }
        dueInstant = try r.int("dueInstant")
        provisional = try r.bool("provisional")
        status = try r.optionalString("status") ?? "open"
        stage = try r.optionalString("stage")
        late = try r.optionalBool("late") ?? false
        scheduledAt = try r.optionalInt("scheduledAt")
        from = try r.optionalString("from")
        reason = try r.optionalString("reason")
        receiver = try r.optionalString("receiver")
        error = try r.optionalString("error")
        if kind == .reminder, stage == nil {
            throw NotificationError(outboxId: id, problem: "a reminder needs 'stage'")
        }
    }

    /// The stage without the ledger's `@day` suffix: `before:-7d`, `due`, `overdue:3`.
    public var stageName: String? {
        guard let stage else { return nil }
        return stage.split(separator: "@", maxSplits: 1).first.map(String.init) ?? stage
    }

    /// The N of an `overdue:N` stage.
    public var overdueIndex: Int? {
        guard let s = stageName, s.hasPrefix("overdue:") else { return nil }
        return Int(s.dropFirst("overdue:".count))
    }

    /// The journal class; nil for a digest, which is never journaled (each of its members was, on its
    /// own, when it was queued).
    public var messageClass: MessageClass? {
        switch kind {
        case .opened: .opened
        case .moved: .moved
        case .done: .done
        case .waived: .waived
        case .reopened: .reopened
        case .underived: .underived
        case .deliveryFailing: .deliveryFailing
        case .digest, .agenda: nil
        case .reminder:
            if overdueIndex != nil { .reminderOverdue } else if stageName == "due" { .reminderDue } else { .reminderUpcoming }
        }
    }

    /// Overdue is an error, the due day (or a reminder minutes or hours before the instant, i.e. on the
    /// due day) a warning, other reminders a notice, changes to an obligation info. A receiver that
    /// gave up is an error: reminders are no longer reaching people.
    public var severity: Severity {
        switch kind {
        case .deliveryFailing: return .error
        // Someone has to decide whether the duty lapsed.
        case .underived: return .warning
        case .opened, .moved, .done, .waived, .reopened, .digest, .agenda: return .info
        case .reminder:
            if overdueIndex != nil { return .error }
            guard let s = stageName else { return .notice }
            if s == "due" { return .warning }
            if s.hasPrefix("before:"), let p = try? Period(parsing: String(s.dropFirst("before:".count))), p.seconds != nil {
                return .warning
            }
            return .notice
        }
    }
}

/// An outbox row that cannot be turned into a notification.
public struct NotificationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var outboxId: String
    public var problem: String
    public init(outboxId: String, problem: String) {
        self.outboxId = outboxId
        self.problem = problem
    }
    public var description: String { "outbox \(outboxId): \(problem)" }
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
