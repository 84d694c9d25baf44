/// The kinds of notification the outbox carries (`kind` in the payload).
package enum NotificationKind: String, Codable, Sendable, CaseIterable {
    case opened = "obligation.opened"
    case moved = "obligation.moved"
    case done = "obligation.done"
    case waived = "obligation.waived"
    case reopened = "obligation.reopened"
    /// An event ended the duty (a certificate suspended or revoked): neither done nor waived.
    case lapsed = "obligation.lapsed"
    /// A changed or removed rule no longer gives this open obligation; it is left open for a person.
    case underived = "obligation.underived"
    case reminder
    /// An entity entered a classification (a large platform, the certification route): `due` is the
    /// day it began, `rule` the classification rule. Not about one obligation (`obligation` is 0).
    case classificationBegan = "classification.began"
    /// An entity left a classification: `due` is the day it ended.
    case classificationEnded = "classification.ended"
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
    package static let outboxKinds = allCases.filter { $0 != .digest }

    /// Reminders, failure notices and agendas go in a receiver's reminder lane, ahead of change notices.
    package var isReminderLane: Bool { self == .reminder || self == .deliveryFailing || self == .agenda }

    /// A notice that its obligation was closed (done, waived or lapsed): the reminders about it still
    /// queued when it is routed are superseded by it, never sent as if the obligation were open.
    package var closesObligation: Bool { self == .done || self == .waived || self == .lapsed }
}
