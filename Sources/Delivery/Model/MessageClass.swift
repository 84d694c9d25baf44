/// The journal's name for a kind of notification: each class has a fixed 128-bit `MESSAGE_ID`, so
/// `journalctl MESSAGE_ID=...` finds every overdue reminder ever logged and `journalctl -x` shows the
/// catalog entry for it (systemd/obligd.catalog).
///
/// Reminders are split by stage because the catalog's advice differs: an upcoming deadline asks for
/// planning, an overdue one for escalation. The ids were generated once at random and must never change:
/// operators' filters and alerting depend on them.
package enum MessageClass: String, Sendable, CaseIterable {
    case opened = "obligation.opened"
    case moved = "obligation.moved"
    case done = "obligation.done"
    case waived = "obligation.waived"
    case reopened = "obligation.reopened"
    case lapsed = "obligation.lapsed"
    case underived = "obligation.underived"
    case classificationBegan = "classification.began"
    case classificationEnded = "classification.ended"
    case reminderUpcoming = "reminder.upcoming"
    case reminderDue = "reminder.due"
    case reminderOverdue = "reminder.overdue"
    case deliveryFailing = "delivery.failing"

    /// 32 lowercase hex digits, the form journald and catalog files use.
    package var messageID: String {
        switch self {
        case .opened: "1bf386c19f244b1fbbdb5e8ff3ee9381"
        case .moved: "0e9bab06684248d294f73b43538b2016"
        case .done: "d2aac6c9f9fa4465aad3ed2faa6de6e8"
        case .waived: "bdd610794e6747468266b290e585bc5b"
        case .reopened: "5e0fcc25c7ac45f99cf3bdf8275b2516"
        case .lapsed: "bea2eb8bf35e444294a6ff69f76c4bb4"
        case .underived: "6a94940d840644feb93c9c5ef8d52561"
        case .classificationBegan: "765584c8290444a1aad4915d8e43da1a"
        case .classificationEnded: "26511382cf994cc38e12f6384d73ca19"
        case .reminderUpcoming: "9c75d23692754546854f9ab2d4795be0"
        case .reminderDue: "d1738cd09a75400a8f043dd3b0bbba35"
        case .reminderOverdue: "85b26bc4367c49bbb34c6d3addfb42d0"
        case .deliveryFailing: "ea8c6a01c5d344ae91057a7feef07494"
        }
    }
}
