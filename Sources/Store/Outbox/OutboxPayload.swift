import Foundation

/// The JSON an outbox row carries to Delivery (and, unchanged, to `standard` webhooks): the obligation
/// as it stood when the notification was written, plus what this kind of notification adds.
///
/// Typed rather than a dictionary: `JSONSerialization` of a `[String: Any]` with sorted keys compared
/// keys through ICU and cost more than the rest of writing a reminder.
package struct OutboxPayload: Sendable, Equatable {
    /// What a kind adds: the reminder stage, or where a moved deadline came from and why.
    package struct Detail: Sendable, Equatable {
        /// A reminder: its stage as written (`before:-5wd`, `due`, `overdue:3`).
        package var stage: String?
        /// A reminder: the stage's ledger key (`before:-7d@2026-02-24`), stable across versions.
        package var stageKey: String?
        /// A reminder: it fired past its time or stood in for stages missed while obligd was down.
        package var late: Bool?
        /// A reminder: when the stage was due to fire (epoch seconds).
        package var scheduledAt: Int64?
        /// A reminder: how many earlier stages, missed meanwhile, it stands in for.
        package var collapsed: Int?
        /// An overdue reminder of a day deadline: working days since the due day, up to the day it
        /// fires, for routes that escalate after `+Nwd`.
        package var lateWorkingDays: Int?
        /// A moved deadline: the due day it had before (YYYY-MM-DD).
        package var from: String?
        /// A moved deadline: why it moved (a calendar or rule change, a corrected fact), in words.
        package var reason: String?
        /// delivery.failing: the receiver that is not accepting notifications, and its answer.
        package var receiver: String?
        /// delivery.failing: what the receiver or transport last answered.
        package var error: String?

        /// Only the fields a kind sets are given; the rest stay nil and are left out of the JSON.
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

    /// Which notice this is; decides the lane, the wording and the template.
    package var kind: NotificationKind
    /// The obligation's id; 0 for a classification notice, which is about the entity and no obligation.
    package var obligation: Int64
    /// The entity's id.
    package var entity: String
    /// The rule's id; empty for a custom obligation.
    package var rule: String
    /// The obligation's title, as it read when the notice was written.
    package var title: String
    /// The due day (YYYY-MM-DD) in the entity's zone.
    package var due: String
    /// The instant it falls due (epoch seconds).
    package var dueInstant: Int64
    /// The due day rests on an estimated calendar year and may still move.
    package var provisional: Bool
    /// The obligation's status (`Obligation.Status`'s raw value) when written.
    package var status: String
    /// What this kind adds (stage, previous due day, failing receiver).
    package var detail: Detail

    /// A payload from its fields as read back or built by hand (tests, digests); Store's writers use
    /// `init(kind:obligation:detail:)`.
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
