import Foundation

/// The JSON an outbox row carries to Delivery (and, unchanged, to `standard` webhooks): the obligation
/// as it stood when the notification was written, plus what this kind of notification adds.
///
/// Typed rather than a dictionary: `JSONSerialization` of a `[String: Any]` with sorted keys compared
/// keys through ICU and cost more than the rest of writing a reminder.
package struct OutboxPayload: Sendable, Equatable {
    /// What a kind adds: the reminder stage, or where a moved deadline came from and why.
    package struct Detail: Sendable, Equatable {
        package var stage: String?
        package var stageKey: String?
        package var late: Bool?
        package var scheduledAt: Int64?
        package var collapsed: Int?
        /// An overdue reminder of a day deadline: working days since the due day, up to the day it
        /// fires, for routes that escalate after `+Nwd`.
        package var lateWorkingDays: Int?
        package var from: String?
        package var reason: String?
        /// delivery.failing: the receiver that is not accepting notifications, and its answer.
        package var receiver: String?
        package var error: String?

        package init(
            stage: String? = nil, stageKey: String? = nil, late: Bool? = nil, scheduledAt: Int64? = nil,
            collapsed: Int? = nil, lateWorkingDays: Int? = nil, from: String? = nil, reason: String? = nil, receiver: String? = nil,
            error: String? = nil
        ) {
            self.stage = stage
            self.stageKey = stageKey
            self.late = late
            self.scheduledAt = scheduledAt
            self.collapsed = collapsed
            self.lateWorkingDays = lateWorkingDays
            self.from = from
            self.reason = reason
            self.receiver = receiver
            self.error = error
        }
    }

    package var kind: NotificationKind
    package var obligation: Int64
    package var entity: String
    package var rule: String
    package var title: String
    package var due: String
    package var dueInstant: Int64
    package var provisional: Bool
    package var status: String
    package var detail: Detail

    package init(
        kind: NotificationKind, obligation: Int64, entity: String, rule: String, title: String, due: String,
        dueInstant: Int64, provisional: Bool, status: String, detail: Detail = .init()
    ) {
        self.kind = kind
        self.obligation = obligation
        self.entity = entity
        self.rule = rule
        self.title = title
        self.due = due
        self.dueInstant = dueInstant
        self.provisional = provisional
        self.status = status
        self.detail = detail
    }

    /// The notice `kind` about `o` as it stands now.
    package init(kind: NotificationKind, obligation o: Obligation, detail: Detail) {
        self.kind = kind
        self.obligation = o.id ?? 0
        self.entity = o.entityId
        self.rule = o.ruleId ?? ""
        self.title = o.title
        self.due = o.due.description
        self.dueInstant = o.dueInstant
        self.provisional = o.provisional
        self.status = o.status.rawValue
        self.detail = detail
    }

    /// The payload's JSON: sorted keys, the detail's fields at the top level and only those present,
    /// the bytes `JSONEncoder` with `.sortedKeys` would give (a test holds them together). Written
    /// directly: a burst of reminders or a re-derivation writes one per row. `read` reads it back.
    package var json: String {
        var w = AuditJSONWriter(escapeSlashes: false)
        if let v = detail.collapsed { w.field("collapsed", Int64(v)) }
        w.field("due", due)
        w.field("dueInstant", dueInstant)
        w.field("entity", entity)
        if let v = detail.error { w.field("error", v) }
        if let v = detail.from { w.field("from", v) }
        w.field("kind", kind.rawValue)
        if let v = detail.late { w.field("late", v) }
        if let v = detail.lateWorkingDays { w.field("lateWorkingDays", Int64(v)) }
        w.field("obligation", obligation)
        w.field("provisional", provisional)
        if let v = detail.reason { w.field("reason", v) }
        if let v = detail.receiver { w.field("receiver", v) }
        w.field("rule", rule)
        if let v = detail.scheduledAt { w.field("scheduledAt", v) }
        if let v = detail.stage { w.field("stage", v) }
        if let v = detail.stageKey { w.field("stageKey", v) }
        w.field("status", status)
        w.field("title", title)
        return w.finish()
    }
}
