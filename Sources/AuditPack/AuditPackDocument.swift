import Foundation

/// An audit pack (#32): what obligd recorded about one entity's obligations in a period, for an
/// auditor. Every stated row names the audit row it was read from (`PackRef`: id and hash), so
/// `AuditPack.verify` can check the pack against the live trail and name a row that was edited.
/// This is the JSON format (openapi.yaml `AuditPack`); the HTML pack embeds it.
package struct AuditPackDocument: Codable, Sendable, Equatable {
    /// The format's name and version, first in the file so a reader knows what it holds.
    package static let formatName = "obligd-audit-pack/1"

    /// `formatName`; `verify` refuses a pack of another format, naming the one it takes.
    package var format: String
    /// The pack's language, `zh-CN` or `en` (of the HTML; the data is the same).
    package var language: String
    /// The entity the pack is about, as it stood when the pack was made.
    package var entity: PackEntity
    /// The period, days in the entity's zone, both included.
    package var from: String
    /// The period's last day (YYYY-MM-DD), included.
    package var to: String
    /// When it was made (UTC, RFC 3339) and by whom (the API caller).
    package var generatedAt: String
    /// Who made it: the caller as the API's audit trail names them.
    package var generatedBy: String
    /// The audit chain as verified when the pack was made.
    package var chain: PackChain
    /// How many obligations the pack holds, by outcome: the summary an auditor reads first.
    package var totals: PackTotals
    /// Each obligation open at some time in the period, with its history, evidence and reminders.
    package var obligations: [PackObligation]
}

/// The entity as the pack states it; `verify` checks only that an entity of this id still exists.
package struct PackEntity: Codable, Sendable, Equatable {
    /// The entity's id, what `verify` looks up.
    package var id: String
    /// Its display name.
    package var name: String
    /// Its IANA zone, in which the period's days and due days are read.
    package var zone: String
    /// Its calendar region, whose working days `workingDaysLate` counts.
    package var region: String
    /// Who answers for it, when one was given.
    package var owner: String?
}

/// The result of walking the whole audit chain (and hashing every evidence file) when the pack was made.
package struct PackChain: Codable, Sendable, Equatable {
    /// How many rows the chain held when the pack was made.
    package var rows: Int
    /// The head: the last row that held, its id and hash.
    package var headId: Int64
    /// The head row's hash; `verify` checks the live trail still holds that row with that hash.
    package var headHash: String
    /// True when every row's hash held and every evidence file matched its SHA-256.
    package var intact: Bool
    /// What did not hold, when something did not.
    package var problem: String?
    /// How many evidence files were hashed: every entity's, as the chain covers the whole trail.
    package var evidenceFiles: Int
    /// Their total size in bytes.
    package var evidenceBytes: Int64
}

/// How many obligations the pack holds, by outcome.
package struct PackTotals: Codable, Sendable, Equatable {
    /// Obligations in the pack; the other counts add up to it.
    package var obligations = 0
    /// Done on or before the due day.
    package var onTime = 0
    /// Done after the due day.
    package var late = 0
    /// Waived: closed without being done, the reason in its history.
    package var waived = 0
    /// Open and not yet past the due day at the end of the period (or now, when that is earlier).
    package var open = 0
    /// Open and past the due day at the end of the period (or now, when that is earlier).
    package var overdue = 0
    /// Ended by an event (a certificate suspended or revoked): not done, not late, not open.
    package var lapsed = 0

    /// Builds the totals; `AuditPack.build` adds one obligation at a time.
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
    /// The audit row's id.
    package var id: Int64
    /// That row's hash as it was when the pack was made; an edited row no longer has it.
    package var hash: String
}

/// The rule that gave an obligation, as the configuration in force words it (not in the chain).
package struct PackRule: Codable, Sendable, Equatable {
    /// The rule's id in the rule pack.
    package var id: String
    /// The rule's title, in the pack's language.
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
    /// Waived: closed without being done, with the reason in its history.
    case waived
    /// Still open, not yet due at the end of the period.
    case open
    /// Still open and past its due day at the end of the period.
    case overdue
    /// Ended by an event (a certificate suspended or revoked): neither done nor late.
    case lapsed
}

/// An obligation's outcome, computed from its stated due and closing days so a verifier gets the same.
package struct PackOutcome: Codable, Sendable, Equatable {
    /// Which of the outcomes it is.
    package var kind: PackOutcomeKind
    /// For late and overdue: working days after the due day (on the entity's calendar), and calendar days.
    package var workingDaysLate: Int?
    /// For late and overdue: calendar days after the due day.
    package var daysLate: Int?

    /// Builds an outcome; the day counts only for late and overdue.
    package init(kind: PackOutcomeKind, workingDaysLate: Int? = nil, daysLate: Int? = nil) {
        self.kind = kind
        self.workingDaysLate = workingDaysLate
        self.daysLate = daysLate
    }
}

/// One obligation: what it is and why (the `source` row's state), how it ended, its history,
/// evidence and reminders.
package struct PackObligation: Codable, Sendable, Equatable {
    /// The obligation's row id, the same the API and `obligctl` use.
    package var id: Int64
    /// Its title, as its source row records it.
    package var title: String
    /// The rule that gave it; nil for a custom obligation.
    package var rule: PackRule?
    /// What opened it (`event:12`, `metric:registered_users#1`, `custom`).
    package var trigger: String
    /// Where its period starts: a day, or an instant for an instant deadline.
    package var start: String
    /// Its period as written (`+15wd`).
    package var period: String
    /// Where a due day on a rest day went (`forward`, `backward`, `none`); nil: the period's usual roll.
    package var roll: String?
    /// The due day (YYYY-MM-DD) in the entity's zone.
    package var due: String
    /// The calendar files (region/year and version, or estimated) that decided the due day.
    package var calendars: [String]
    /// Decided by an estimated calendar year, to be confirmed by the official notice.
    package var provisional: Bool
    /// `open`, `done`, `waived` or `lapsed`, as recorded.
    package var status: String
    /// The day it was done or waived; nil while open.
    package var closedOn: String?
    /// The audit row the fields above were read from: the last that recorded the obligation's state.
    package var source: PackRef
    /// How it ended or stands; `verify` recomputes it from the stated days.
    package var outcome: PackOutcome
    /// Every audit row about it, oldest first: opened, moved (with the reason), acknowledged, done, ...
    package var history: [PackRow]
    /// The evidence kept with it.
    package var evidence: [PackEvidence]
    /// The reminder stages that fired for it, with what became of each notice.
    package var reminders: [PackReminder]
}

/// One audit row about an obligation, as the pack states it.
package struct PackRow: Codable, Sendable, Equatable {
    /// The audit row it states, which `verify` looks up by id and hash.
    package var audit: PackRef
    /// UTC, RFC 3339.
    package var at: String
    /// Who made the change, as the row records it.
    package var actor: String
    /// What happened, e.g. `obligation.moved`; the HTML shows it in the pack's language.
    package var action: String
    /// The reason (a move's, a waiver's) or note.
    package var note: String?
    /// The due day after the change, and before it when it moved.
    package var due: String?
    /// The due day before a move; nil unless this row moved it.
    package var dueBefore: String?
    /// The status after the change, for a row that recorded the obligation's state.
    package var status: String?
    /// The day it was closed on, after the change.
    package var closedOn: String?
    /// An evidence addition: the file and its SHA-256.
    package var file: String?
    /// The SHA-256 (hex) of the file the row added.
    package var sha256: String?
    /// What the row says when it is text (an acknowledgement: "acknowledged by li.wei until 2026-03-10").
    package var detail: String?
}

/// One evidence item, as kept with the obligation and hashed in the chain.
package struct PackEvidence: Codable, Sendable, Equatable {
    /// Its number within the obligation, 1, 2, ...; never reused.
    package var number: Int64
    /// The file's name as given.
    package var name: String
    /// Its media type.
    package var mediaType: String
    /// Its size in bytes.
    package var size: Int64
    /// Its SHA-256 as lowercase hex, as recorded when it was added.
    package var sha256: String
    /// The reference kept with it (a filing number), when one was given.
    package var reference: String?
    /// When it was added (UTC, RFC 3339).
    package var addedAt: String
    /// Who added it.
    package var actor: String
    /// The `evidence.added` audit row that recorded it.
    package var audit: PackRef
}

/// A reminder stage that fired (the reminder ledger) and what became of its notice.
package struct PackReminder: Codable, Sendable, Equatable {
    /// The ledger key (`before:-7d@2026-02-24`).
    package var stage: String
    /// When it was due to fire and when it fired (UTC, RFC 3339); late when it fired after a downtime.
    package var dueAt: String
    /// When it fired (UTC, RFC 3339).
    package var firedAt: String
    /// Fired after its time: obligd was down, or earlier stages collapsed into it.
    package var late: Bool
    /// The notice's outbox id (the webhook-id receivers saw), and whether it reached the journal.
    package var notice: String?
    /// The notice's own outbox status (`dispatched` once journaled and routed); nil when it has no notice.
    package var journal: String?
    /// Its delivery to each webhook receiver; empty when there is none.
    package var deliveries: [PackDelivery]
}

/// One receiver's delivery of a reminder's notice.
package struct PackDelivery: Codable, Sendable, Equatable {
    /// The receiver's name in obligd.json.
    package var receiver: String
    /// pending, delivered, dead, dropped or superseded.
    package var status: String
    /// How many attempts were made.
    package var attempts: Int
    /// When it was delivered (UTC, RFC 3339); nil unless delivered.
    package var deliveredAt: String?
    /// The last attempt's error, when one failed.
    package var lastError: String?
}
