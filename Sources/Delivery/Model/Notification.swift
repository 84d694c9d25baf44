import DeadlineKit
import Rules
import Store

/// An outbox row read back as a typed notification: what happened to which obligation, when it is due,
/// and (for reminders) which stage fired. Decoding is strict so that a scheduler bug shows up as a clear
/// error on that row instead of a half-empty chat message.
package struct Notification: Sendable, Equatable {
    /// The outbox id: the webhook-id every retry repeats, so receivers can deduplicate.
    package var id: String
    /// When the notice was queued (epoch seconds, as the outbox keeps it).
    package var createdAt: Int64
    /// Which notice it is; decides lane, severity, template and journal MESSAGE_ID.
    package var kind: NotificationKind
    /// The obligation's id; 0 for a digest, an agenda or a classification notice.
    package var obligation: Int64
    /// The entity's id; routes match on it.
    package var entity: String
    /// The rule id; "" for a custom obligation.
    package var rule: String
    /// The obligation's title when the notice was written.
    package var title: String
    /// The due day, `YYYY-MM-DD` in the entity's zone.
    package var due: String
    /// The due instant, epoch seconds UTC.
    package var dueInstant: Int64
    /// The due day rests on an estimated calendar year and may move; messages say so.
    package var provisional: Bool
    /// The obligation's status when written (`open`, `done`, ...), as the payload carries it.
    package var status: String
    /// Reminders: the stage that fired (`before:-7d`, `due`, `overdue:2`), read once when the row is
    /// (a `@day` suffix of a ledger key is not part of it).
    package var stage: ReminderStage?
    /// Reminders: fired after its instant (the daemon was down, or caught up).
    package var late: Bool
    /// Reminders: when the stage was due to fire (epoch seconds); escalation routes compare it with `dueInstant`.
    package var scheduledAt: Int64?
    /// Overdue reminders of day deadlines: working days since the due day (see `Route`'s `overdueFor`).
    package var lateWorkingDays: Int?
    /// Moves: the old due day and why it moved.
    package var from: String?
    /// Moves: why it moved, in words.
    package var reason: String?
    /// delivery.failing: the receiver that gave up and its last error.
    package var receiver: String?
    /// delivery.failing: the receiver's last error.
    package var error: String?
    /// The JSON payload as stored; the `standard` format forwards it unchanged.
    package var payload: String

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

    /// Reads an outbox row strictly; a payload that does not read is an error naming the row.
    package init(outbox entry: OutboxEntry) throws(NotificationError) {
        try self.init(id: entry.id, createdAt: entry.createdAt, payload: entry.payload)
    }

    /// Reads `payload` strictly (`OutboxPayload.read`); an unknown kind or a missing field is an error naming outbox
    /// row `id`.
    package init(id: String, createdAt: Int64, payload: String) throws(NotificationError) {
        switch try OutboxPayload.read(payload, outboxId: id) {
        case let .agenda(receiver, day):
            self = Notification(digest: id, createdAt: createdAt, payload: payload)
            kind = .agenda
            self.receiver = receiver
            due = day
        case let .notice(p):
            self.id = id
            self.createdAt = createdAt
            self.payload = payload
            kind = p.kind
            obligation = p.obligation
            entity = p.entity
            rule = p.rule
            title = p.title
            due = p.due
            dueInstant = p.dueInstant
            provisional = p.provisional
            status = p.status
            if let text = p.detail.stage {
                let name = text.split(separator: "@", maxSplits: 1).first.map(String.init) ?? text
                do throws(InputError) { stage = try ReminderStage(parsing: name) } catch {
                    throw NotificationError(outboxId: id, problem: "stage \(error.description)")
                }
            }
            lateWorkingDays = p.detail.lateWorkingDays
            late = p.detail.late ?? false
            scheduledAt = p.detail.scheduledAt
            from = p.detail.from
            reason = p.detail.reason
            receiver = p.detail.receiver
            error = p.detail.error
        }
    }

    /// The stage as printed (`before:-7d`, `due`, `overdue:3`), for templates and the journal.
    package var stageName: String? { stage?.description }

    /// The N of an `overdue:N` stage.
    package var overdueIndex: Int? { stage?.overdueIndex }

    /// The journal class; nil for a digest, which is never journaled (each of its members was, on its
    /// own, when it was queued).
    package var messageClass: MessageClass? {
        switch kind {
        case .opened: .opened
        case .moved: .moved
        case .done: .done
        case .waived: .waived
        case .reopened: .reopened
        case .lapsed: .lapsed
        case .underived: .underived
        case .classificationBegan: .classificationBegan
        case .classificationEnded: .classificationEnded
        case .deliveryFailing: .deliveryFailing
        case .digest, .agenda: nil
        case .reminder:
            switch stage?.family {
            case .overdue: .reminderOverdue
            case .due: .reminderDue
            case .before, nil: .reminderUpcoming
            }
        }
    }

    /// Overdue is an error, the due day (or a reminder minutes or hours before the instant, i.e. on the
    /// due day) a warning, other reminders a notice, changes to an obligation info. A receiver that
    /// gave up is an error: reminders are no longer reaching people.
    package var severity: Severity {
        switch kind {
        case .deliveryFailing: return .error
        // Someone has to decide whether the duty lapsed.
        case .underived: return .warning
        case .opened, .moved, .done, .waived, .reopened, .digest, .agenda: return .info
        // A duty ended without anyone doing it: someone should know the certificate no longer stands.
        case .lapsed: return .notice
        // A classification changes which duties apply: someone should look.
        case .classificationBegan, .classificationEnded: return .notice
        case .reminder:
            switch stage?.family {
            case .overdue: return .error
            case .due: return .warning
            case .before: return stage?.isWithinTheDay == true ? .warning : .notice
            case nil: return .notice
            }
        }
    }
}
