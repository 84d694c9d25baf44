import Foundation

/// An audit pack (#32): what obligd recorded about one entity's obligations in a period, for an
/// auditor. Every stated row names the audit row it was read from (`PackRef`: id and hash), so
/// `AuditPack.verify` can check the pack against the live trail and name a row that was edited.
/// This is the JSON format (openapi.yaml `AuditPack`); the HTML pack embeds it.
package struct AuditPackDocument: Codable, Sendable, Equatable {
    /// The format's name and version, first in the file so a reader knows what it holds.
    package static let formatName = "obligd-audit-pack/1"

    package var format: String
    /// The pack's language, `zh-CN` or `en` (of the HTML; the data is the same).
    package var language: String
    package var entity: PackEntity
    /// The period, days in the entity's zone, both included.
    package var from: String
    package var to: String
    /// When it was made (UTC, RFC 3339) and by whom (the API caller).
    package var generatedAt: String
    package var generatedBy: String
    /// The audit chain as verified when the pack was made.
    package var chain: PackChain
    package var totals: PackTotals
    package var obligations: [PackObligation]
}

package struct PackEntity: Codable, Sendable, Equatable {
    package var id: String
    package var name: String
    package var zone: String
    package var region: String
    package var owner: String?
}

/// The result of walking the whole audit chain (and hashing every evidence file) when the pack was made.
package struct PackChain: Codable, Sendable, Equatable {
    package var rows: Int
    /// The head: the last row that held, its id and hash.
    package var headId: Int64
    package var headHash: String
    package var intact: Bool
    /// What did not hold, when something did not.
    package var problem: String?
    package var evidenceFiles: Int
    package var evidenceBytes: Int64
}

/// How many obligations the pack holds, by outcome.
package struct PackTotals: Codable, Sendable, Equatable {
    package var obligations = 0
    package var onTime = 0
    package var late = 0
    package var waived = 0
    package var open = 0
    package var overdue = 0
    package var lapsed = 0

    package init(
        obligations: Int = 0, onTime: Int = 0, late: Int = 0, waived: Int = 0, open: Int = 0, overdue: Int = 0, lapsed: Int = 0
    ) {
        self.obligations = obligations
        self.onTime = onTime
        self.late = late
        self.waived = waived
        self.open = open
        self.overdue = overdue
        self.lapsed = lapsed
    }
}

/// An audit row a statement was read from.
package struct PackRef: Codable, Sendable, Equatable {
    package var id: Int64
    package var hash: String
}

/// The rule that gave an obligation, as the configuration in force words it (not in the chain).
package struct PackRule: Codable, Sendable, Equatable {
    package var id: String
    package var title: String
    /// The legal basis.
    package var citation: String
}

/// How an obligation ended, or stands at the end of the period.
package enum PackOutcomeKind: String, Codable, Sendable, Equatable, CaseIterable {
    /// Done on or before its due day.
    case onTime
    /// Done after its due day.
    case late
    case waived
    /// Still open, not yet due at the end of the period.
    case open
    /// Still open and past its due day at the end of the period.
    case overdue
    /// Ended by an event (a certificate suspended or revoked): neither done nor late.
    case lapsed
}

package struct PackOutcome: Codable, Sendable, Equatable {
    package var kind: PackOutcomeKind
    /// For late and overdue: working days after the due day (on the entity's calendar), and calendar days.
    package var workingDaysLate: Int?
    package var daysLate: Int?

    package init(kind: PackOutcomeKind, workingDaysLate: Int? = nil, daysLate: Int? = nil) {
        self.kind = kind
        self.workingDaysLate = workingDaysLate
        self.daysLate = daysLate
    }
}

/// One obligation: what it is and why (the `source` row's state), how it ended, its history,
/// evidence and reminders.
package struct PackObligation: Codable, Sendable, Equatable {
    package var id: Int64
    package var title: String
    package var rule: PackRule?
    /// What opened it (`event:12`, `metric:registered_users#1`, `custom`).
    package var trigger: String
    package var start: String
    package var period: String
    package var roll: String?
    package var due: String
    /// The calendar files (region/year and version, or estimated) that decided the due day.
    package var calendars: [String]
    /// Decided by an estimated calendar year, to be confirmed by the official notice.
    package var provisional: Bool
    package var status: String
    package var closedOn: String?
    /// The audit row the fields above were read from: the last that recorded the obligation's state.
    package var source: PackRef
    package var outcome: PackOutcome
    /// Every audit row about it, oldest first: opened, moved (with the reason), acknowledged, done, ...
    package var history: [PackRow]
    package var evidence: [PackEvidence]
    package var reminders: [PackReminder]
}

/// One audit row about an obligation, as the pack states it.
package struct PackRow: Codable, Sendable, Equatable {
    package var audit: PackRef
    /// UTC, RFC 3339.
    package var at: String
    package var actor: String
    package var action: String
    /// The reason (a move's, a waiver's) or note.
    package var note: String?
    /// The due day after the change, and before it when it moved.
    package var due: String?
    package var dueBefore: String?
    package var status: String?
    package var closedOn: String?
    /// An evidence addition: the file and its SHA-256.
    package var file: String?
    package var sha256: String?
    /// What the row says when it is text (an acknowledgement: "acknowledged by li.wei until 2026-03-10").
    package var detail: String?
}

package struct PackEvidence: Codable, Sendable, Equatable {
    package var number: Int64
    package var name: String
    package var mediaType: String
    package var size: Int64
    package var sha256: String
    package var reference: String?
    package var addedAt: String
    package var actor: String
    package var audit: PackRef
}

/// A reminder stage that fired (the reminder ledger) and what became of its notice.
package struct PackReminder: Codable, Sendable, Equatable {
    /// The ledger key (`before:-7d@2026-02-24`).
    package var stage: String
    /// When it was due to fire and when it fired (UTC, RFC 3339); late when it fired after a downtime.
    package var dueAt: String
    package var firedAt: String
    package var late: Bool
    /// The notice's outbox id (the webhook-id receivers saw), and whether it reached the journal.
    package var notice: String?
    package var journal: String?
    package var deliveries: [PackDelivery]
}

package struct PackDelivery: Codable, Sendable, Equatable {
    package var receiver: String
    /// pending, delivered, dead, dropped or superseded.
    package var status: String
    package var attempts: Int
    package var deliveredAt: String?
    package var lastError: String?
}
