/// The JSON shapes of obligd's local API (see openapi.yaml), shared by the daemon and obligctl.

package struct EntityBody: Codable, Sendable {
    package var id: String
    package var name: String
    package var zone: String?
    package var region: String?
    package var owner: String?
    package var labels: [String: String]?
    package init(
        id: String, name: String, zone: String? = nil, region: String? = nil, owner: String? = nil, labels: [String: String]? = nil
    ) {
        self.id = id
        self.name = name
        self.zone = zone
        self.region = region
        self.owner = owner
        self.labels = labels
    }
}

package struct EntityView: Codable, Sendable {
    package var id: String
    package var name: String
    package var zone: String
    package var region: String
    package var owner: String?
    package var labels: [String: String]
    package var createdAt: String
    /// What the entity has stated about itself that rules read (`ciio`: `true`), `entity set`.
    package var attributes: [String: String] = [:]
    package init(
        id: String, name: String, zone: String, region: String, owner: String?, labels: [String: String], createdAt: String,
        attributes: [String: String] = [:]
    ) {
        self.attributes = attributes
        self.id = id
        self.name = name
        self.zone = zone
        self.region = region
        self.owner = owner
        self.labels = labels
        self.createdAt = createdAt
    }
}

/// `POST /v1/entities/{id}/attributes`: sets an attribute rules read (`ciio`, `important_data`) to
/// true or false; null clears it (the rules then treat it as not stated).
package struct EntityAttributeBody: Codable, Sendable {
    package var attribute: String
    package var value: Bool?
    package init(attribute: String, value: Bool?) {
        self.attribute = attribute
        self.value = value
    }
}

/// What setting an entity attribute did: the entity as it now stands, and the classifications and
/// obligations the rules conditioned on the attribute began, ended, opened or flagged.
package struct EntityAttributeResult: Codable, Sendable {
    package var entity: EntityView
    package var classifications: [ClassificationView]
    package var opened: [ObligationView]
    /// Obligations opened while an attribute their rule reads is still not stated: flagged.
    package var unstated: [ObligationView]
    package init(entity: EntityView, classifications: [ClassificationView], opened: [ObligationView], unstated: [ObligationView]) {
        self.entity = entity
        self.classifications = classifications
        self.opened = opened
        self.unstated = unstated
    }
}

package struct MetricReport: Codable, Sendable {
    package var entity: String
    package var metric: String
    package var value: Int64
    /// A date (YYYY-MM-DD, in the entity's zone) or an instant with offset; default now.
    package var at: String?
    package init(entity: String, metric: String, value: Int64, at: String? = nil) {
        self.entity = entity
        self.metric = metric
        self.value = value
        self.at = at
    }
}

package struct EventBody: Codable, Sendable {
    package var entity: String
    package var kind: String
    package var at: String?
    package var ref: String?
    package var attributes: [String: String]?
    package init(entity: String, kind: String, at: String? = nil, ref: String? = nil, attributes: [String: String]? = nil) {
        self.entity = entity
        self.kind = kind
        self.at = at
        self.ref = ref
        self.attributes = attributes
    }
}

package struct CustomObligationBody: Codable, Sendable {
    package var entity: String
    package var title: String
    package var start: String
    package var period: String
    package var roll: String?
    package init(entity: String, title: String, start: String, period: String, roll: String? = nil) {
        self.entity = entity
        self.title = title
        self.start = start
        self.period = period
        self.roll = roll
    }
}

package struct CloseBody: Codable, Sendable {
    /// The day it was done (YYYY-MM-DD); default today in the entity's zone.
    package var date: String?
    /// A note for done and reopen; the reason for a waiver (required there).
    package var note: String?
    /// Files attached as evidence with a done or a waiver (`EvidenceFileBody`), in the same transaction.
    package var evidence: [EvidenceFileBody]?
    /// A reference (a filing number) kept as evidence with them, or alone.
    package var reference: String?
    package init(date: String? = nil, note: String? = nil, evidence: [EvidenceFileBody]? = nil, reference: String? = nil) {
        self.date = date
        self.note = note
        self.evidence = evidence
        self.reference = reference
    }
}

package struct ObligationView: Codable, Sendable {
    package var id: Int64
    package var entity: String
    package var rule: String?
    package var title: String
    package var trigger: String
    package var start: String
    package var period: String
    package var due: String
    package var dueWeekday: String
    /// When it ends, ISO 8601 UTC: 24:00 of the due day in the entity's zone, or the instant itself.
    package var dueInstant: String
    /// The same end in the entity's zone with its offset, e.g. `2025-03-03T14:15:00+08:00`.
    package var dueLocal: String
    /// The entity's zone (IANA name).
    package var zone: String
    /// True for an instant deadline (+Nh, +Nmin, +Ns): its time matters, not only its day.
    package var timed: Bool
    package var status: ObligationStatus
    package var provisional: Bool
    package var calendars: [String]
    package var closedOn: String?
    package var closedNote: String?
    package var explanation: [String]?
    /// Who has taken it (`obligctl ack`), while that holds.
    package var acknowledged: AcknowledgementView?
    /// In the answer to done: the next obligation of a recurring rule that this opened.
    package var opened: [ObligationView]?
    /// In the answer for one obligation: its reminder plan, the stages sent and to come.
    package var reminders: [ReminderView]?
    package init(
        id: Int64, entity: String, rule: String?, title: String, trigger: String, start: String, period: String, due: String,
        dueWeekday: String, dueInstant: String, dueLocal: String, zone: String, timed: Bool, status: ObligationStatus, provisional: Bool,
        calendars: [String], closedOn: String?, closedNote: String?, explanation: [String]? = nil,
        acknowledged: AcknowledgementView? = nil
    ) {
        self.id = id
        self.entity = entity
        self.rule = rule
        self.title = title
        self.trigger = trigger
        self.start = start
        self.period = period
        self.due = due
        self.dueWeekday = dueWeekday
        self.dueInstant = dueInstant
        self.dueLocal = dueLocal
        self.zone = zone
        self.timed = timed
        self.status = status
        self.provisional = provisional
        self.calendars = calendars
        self.closedOn = closedOn
        self.closedNote = closedNote
        self.explanation = explanation
        self.acknowledged = acknowledged
    }
}

/// One reminder of an obligation's plan: the stage, when it fires (UTC and in the entity's zone),
/// when it was sent, and why it fires then when a rest day moved it.
package struct ReminderView: Codable, Sendable, Equatable {
    /// `before:-5wd`, `due`, `overdue:2`.
    package var stage: String
    /// `sent`, `planned` (to come) or `passed` (its time passed unsent: past when the obligation was
    /// opened or moved, reduced by an acknowledgement, or collapsed into a later stage).
    package var state: String
    /// ISO 8601 UTC.
    package var at: String
    /// The same instant in the entity's zone with its offset.
    package var local: String
    /// When it was sent (ISO 8601 UTC); absent while it is to come.
    package var sent: String?
    package var late: Bool
    /// "-1d fell on Monday 2026-02-23 (Spring Festival): sent on Saturday 2026-02-14, ...".
    package var note: String?
    package init(stage: String, state: String, at: String, local: String, sent: String?, late: Bool, note: String?) {
        self.stage = stage
        self.state = state
        self.at = at
        self.local = local
        self.sent = sent
        self.late = late
        self.note = note
    }
}

/// An acknowledgement: who took the obligation, their note, when (ISO 8601), and until which day.
package struct AcknowledgementView: Codable, Sendable, Equatable {
    package var by: String
    package var note: String
    package var at: String
    package var until: String?
    package init(by: String, note: String, at: String, until: String?) {
        self.by = by
        self.note = note
        self.at = at
        self.until = until
    }
}

/// `POST /v1/obligations/{id}/ack`.
package struct AckBody: Codable, Sendable {
    package var note: String?
    /// The last day (YYYY-MM-DD) it holds; absent: until the obligation is closed.
    package var until: String?
    package init(note: String?, until: String?) {
        self.note = note
        self.until = until
    }
}

/// What recording (or retracting) a fact did.
package struct FactResult: Codable, Sendable {
    package var id: Int64
    package var opened: [ObligationView]
    package var moved: [ObligationView]
    /// Obligations the facts no longer give after a correction: left open for a person to close.
    package var flagged: [ObligationView]
    /// Obligations opened from an event that does not state an attribute their rule's condition
    /// reads (an incident without `severity`): open in case the duty applies, flagged "condition not
    /// stated" so that nobody takes the opening for a decision that it does.
    package var unstated: [ObligationView] = []
    /// Obligations the event lapsed (a certificate suspended or revoked): neither done nor waived.
    package var lapsed: [ObligationView] = []
    /// Lapsed obligations reopened (a suspension lifted, or the event that lapsed them retracted).
    package var reinstated: [ObligationView] = []
    /// True when the same fact was recorded before (`id` is that one): nothing new was written.
    package var duplicate: Bool
    /// The earlier report of the same instant this one superseded.
    package var superseded: Int64?
    /// Classifications this fact began (`active`) or ended.
    package var classifications: [ClassificationView]
    package init(
        id: Int64, opened: [ObligationView], moved: [ObligationView], flagged: [ObligationView] = [], duplicate: Bool = false,
        superseded: Int64? = nil, classifications: [ClassificationView] = [], unstated: [ObligationView] = [],
        lapsed: [ObligationView] = [], reinstated: [ObligationView] = []
    ) {
        self.classifications = classifications
        self.unstated = unstated
        self.lapsed = lapsed
        self.reinstated = reinstated
        self.id = id
        self.opened = opened
        self.moved = moved
        self.flagged = flagged
        self.duplicate = duplicate
        self.superseded = superseded
    }
}

/// `POST /v1/events/{id}/retract` and `/v1/metrics/{id}/retract`.
package struct RetractBody: Codable, Sendable {
    package var reason: String
    package init(reason: String) { self.reason = reason }
}

/// When and why a fact was retracted or superseded.
package struct RetractionView: Codable, Sendable, Equatable {
    package var at: String
    package var note: String
    package var supersededBy: Int64?
    package init(at: String, note: String, supersededBy: Int64? = nil) {
        self.at = at
        self.note = note
        self.supersededBy = supersededBy
    }
}

/// A recorded event. `at` is ISO 8601 UTC, `atLocal` the same in the entity's zone; `day` is set when
/// only a day was given.
package struct EventView: Codable, Sendable {
    package var id: Int64
    package var entity: String
    package var kind: String
    package var at: String
    package var atLocal: String
    package var day: String?
    package var ref: String?
    package var attributes: [String: String]
    package var recordedAt: String
    package var retracted: RetractionView?
    package init(
        id: Int64, entity: String, kind: String, at: String, atLocal: String, day: String?, ref: String?,
        attributes: [String: String], recordedAt: String, retracted: RetractionView?
    ) {
        self.id = id
        self.entity = entity
        self.kind = kind
        self.at = at
        self.atLocal = atLocal
        self.day = day
        self.ref = ref
        self.attributes = attributes
        self.recordedAt = recordedAt
        self.retracted = retracted
    }
}

/// One recorded metric report; `retracted` says when it stopped counting (retracted or superseded).
package struct MetricReportView: Codable, Sendable {
    package var id: Int64
    package var entity: String
    package var metric: String
    package var value: Int64
    package var observedAt: String
    package var observedLocal: String
    package var recordedAt: String
    package var retracted: RetractionView?
    package init(
        id: Int64, entity: String, metric: String, value: Int64, observedAt: String, observedLocal: String, recordedAt: String,
        retracted: RetractionView?
    ) {
        self.id = id
        self.entity = entity
        self.metric = metric
        self.value = value
        self.observedAt = observedAt
        self.observedLocal = observedLocal
        self.recordedAt = recordedAt
        self.retracted = retracted
    }
}

/// One audit row of an obligation's history. `before` and `after` are the obligation as objects,
/// with its instants (`createdAt`, `dueInstant`, ...) as ISO 8601 UTC; the raw stored text with epoch
/// seconds, which the hash chain covers, is what `GET /v1/audit` exports.
package struct AuditView: Codable, Sendable {
    package var at: String
    package var actor: String
    package var action: String
    package var note: String?
    package var before: JSONValue?
    package var after: JSONValue?
    package init(at: String, actor: String, action: String, note: String?, before: JSONValue?, after: JSONValue?) {
        self.at = at
        self.actor = actor
        self.action = action
        self.note = note
        self.before = before
        self.after = after
    }
}

/// One line of an import: a metric observation or an event.
package struct ImportRecord: Codable, Sendable {
    package var type: String
    package var entity: String
    package var metric: String?
    package var value: Int64?
    package var kind: String?
    package var at: String?
    package var ref: String?
    package var attributes: [String: String]?
    package init(
        type: String, entity: String, metric: String? = nil, value: Int64? = nil, kind: String? = nil, at: String? = nil,
        ref: String? = nil, attributes: [String: String]? = nil
    ) {
        self.type = type
        self.entity = entity
        self.metric = metric
        self.value = value
        self.kind = kind
        self.at = at
        self.ref = ref
        self.attributes = attributes
    }
}

package struct ImportBody: Codable, Sendable {
    package var records: [ImportRecord]
    package init(records: [ImportRecord]) { self.records = records }
}

package struct ImportResult: Codable, Sendable {
    package var imported: Int
    /// Rows recorded before (the same file imported again): recognised, nothing written for them.
    package var duplicates: Int
    package var opened: Int
    package var moved: Int
    package init(imported: Int, duplicates: Int = 0, opened: Int, moved: Int) {
        self.imported = imported
        self.duplicates = duplicates
        self.opened = opened
        self.moved = moved
    }
}

/// `status` is `ready`, or `degraded` while a receiver is paused, failing or holds dead letters: a
/// reminder may then not be reaching the people who rely on that receiver.
package struct Health: Codable, Sendable {
    package var status: HealthStatus
    package var version: String
    package var openObligations: Int
    package var overdue: Int
    /// The open obligation that ends soonest (overdue ones first).
    package var nextDue: ObligationView?
    package var rules: Int
    package var receivers: [ReceiverView]
    /// `standalone` (SQLite) or, on PostgreSQL, `leader`, `follower`, `disagrees` or `unreachable`.
    package var role: String?
    /// In a cluster, what is wrong with this node's place in it (its configuration differs from the
    /// cluster's, the database is unreachable); nil when nothing is.
    package var cluster: String?
    package init(
        status: HealthStatus, version: String, openObligations: Int, overdue: Int, nextDue: ObligationView?, rules: Int,
        receivers: [ReceiverView] = [], role: String? = nil, cluster: String? = nil
    ) {
        self.role = role
        self.cluster = cluster
        self.status = status
        self.version = version
        self.openObligations = openObligations
        self.overdue = overdue
        self.nextDue = nextDue
        self.rules = rules
        self.receivers = receivers
    }

    /// One line per receiver that is not ok, e.g. "receiver ops paused since 2026-11-24T10:02:00Z: errcode 310000 ...".
    package var receiverProblems: [String] {
        receivers.filter { $0.state.needsAttention }.map { $0.problem }
    }
}

/// Where a webhook receiver stands: `ok`, `failing` (transient errors, retried with backoff),
/// `paused` (it answered that its configuration is wrong; its queue is kept and probed),
/// `dead-letters` (messages given up that nobody retried or dropped yet) or `unconfigured` (no longer
/// in obligd.json, with messages still kept for it). Instants are ISO 8601 UTC.
package struct ReceiverView: Codable, Sendable, Equatable {
    package var name: String
    package var state: ReceiverState
    /// Messages queued for it, and when the oldest was queued and how long ago (seconds).
    package var pending: Int
    package var oldestPendingAt: String?
    package var oldestPendingAgeSeconds: Int64?
    package var dead: Int
    /// Since when it is paused or failing, and its last error.
    package var since: String?
    package var lastError: String?
    /// Paused: the next probe and how many failed so far.
    package var nextProbeAt: String?
    package var probes: Int?

    package init(
        name: String, state: ReceiverState, pending: Int, oldestPendingAt: String?, oldestPendingAgeSeconds: Int64?, dead: Int,
        since: String?, lastError: String?, nextProbeAt: String?, probes: Int?
    ) {
        self.name = name
        self.state = state
        self.pending = pending
        self.oldestPendingAt = oldestPendingAt
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds
        self.dead = dead
        self.since = since
        self.lastError = lastError
        self.nextProbeAt = nextProbeAt
        self.probes = probes
    }

    /// A sentence for status lines and STATUS=.
    package var problem: String {
        switch state {
        case .paused: "receiver \(name) paused since \(since ?? "?"): \(lastError ?? "")"
        case .failing: "receiver \(name) failing since \(since ?? "?"): \(lastError ?? "")"
        case .deadLetters:
            "receiver \(name) has \(dead) dead letter\(dead == 1 ? "" : "s") (obligctl outbox retry --receiver \(name) --all)"
        default: "receiver \(name) ok"
        }
    }
}

/// Every 4xx and 5xx body: which input is wrong, what is wrong with it, and how to fix it.
package struct APIErrorBody: Codable, Sendable, Error {
    package var error: String
    package var field: String?
    package var fix: String?
    package init(error: String, field: String? = nil, fix: String? = nil) {
        self.error = error
        self.field = field
        self.fix = fix
    }
}

package struct DeliveryView: Codable, Sendable {
    package var receiver: String
    package var status: String
    package var attempts: Int
    package var lastError: String?
    package var lastHTTPStatus: Int?
    package var nextAttemptAt: String?
    package var deliveredAt: String?
    package init(
        receiver: String, status: String, attempts: Int, lastError: String?, lastHTTPStatus: Int?, nextAttemptAt: String?,
        deliveredAt: String?
    ) {
        self.receiver = receiver
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.lastHTTPStatus = lastHTTPStatus
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
    }
}

/// A notification in the outbox with its delivery to each receiver.
package struct OutboxView: Codable, Sendable {
    package var id: String
    package var createdAt: String
    package var kind: String
    package var obligation: Int64?
    package var status: String
    package var lastError: String?
    package var deliveries: [DeliveryView]
    package init(
        id: String, createdAt: String, kind: String, obligation: Int64?, status: String, lastError: String?, deliveries: [DeliveryView]
    ) {
        self.id = id
        self.createdAt = createdAt
        self.kind = kind
        self.obligation = obligation
        self.status = status
        self.lastError = lastError
        self.deliveries = deliveries
    }
}

package struct OutboxActionBody: Codable, Sendable {
    package var receiver: String?
    package var reason: String?
    package init(receiver: String? = nil, reason: String? = nil) {
        self.receiver = receiver
        self.reason = reason
    }
}

package struct OutboxActionResult: Codable, Sendable {
    package var changed: Int
    package init(changed: Int) { self.changed = changed }
}

package struct TestSendView: Codable, Sendable {
    package var receiver: String
    package var delivered: Bool
    package var httpStatus: Int?
    package var answer: String
    package var verdict: String
    package var milliseconds: Int64
    package init(receiver: String, delivered: Bool, httpStatus: Int?, answer: String, verdict: String, milliseconds: Int64) {
        self.receiver = receiver
        self.delivered = delivered
        self.httpStatus = httpStatus
        self.answer = answer
        self.verdict = verdict
        self.milliseconds = milliseconds
    }
}

/// One row of the audit trail as `GET /v1/audit` exports it: every field its hash covers, exactly as
/// stored (`at` in epoch seconds), so anyone can recompute the chain (`obligctl audit verify`).
package struct AuditRecord: Codable, Sendable, Equatable {
    package var id: Int64
    package var at: Int64
    package var actor: String
    package var action: String
    package var subject: String
    package var before: String?
    package var after: String?
    package var note: String?
    package var hash: String?

    package init(
        id: Int64, at: Int64, actor: String, action: String, subject: String, before: String?, after: String?, note: String?,
        hash: String?
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.before = before
        self.after = after
        self.note = note
        self.hash = hash
    }
}

/// A span during which an entity is (or was) in a classification: `since` and `until` are days in the
/// entity's zone, `until` absent while it holds; `duties` are what the classification brings.
package struct ClassificationView: Codable, Sendable, Equatable {
    package var entity: String
    package var rule: String
    package var title: String
    package var since: String
    package var until: String?
    package var active: Bool
    package var citation: String
    package var duties: [String]
    package init(
        entity: String, rule: String, title: String, since: String, until: String?, active: Bool, citation: String, duties: [String]
    ) {
        self.entity = entity
        self.rule = rule
        self.title = title
        self.since = since
        self.until = until
        self.active = active
        self.citation = citation
        self.duties = duties
    }
}

/// What a retention rule keeps: the records of an event (network logs written on `from`) until `keepUntil`.
package struct RetentionView: Codable, Sendable, Equatable {
    package var entity: String
    package var rule: String
    package var title: String
    package var event: Int64
    package var from: String
    package var keepUntil: String
    package var citation: String
    package init(entity: String, rule: String, title: String, event: Int64, from: String, keepUntil: String, citation: String) {
        self.entity = entity
        self.rule = rule
        self.title = title
        self.event = event
        self.from = from
        self.keepUntil = keepUntil
        self.citation = citation
    }
}

/// `POST /v1/backup`: where to write the copy (a new file; absent: the state directory's `backups/`),
/// and how many backups to keep there (only with the default place).
package struct BackupBody: Codable, Sendable {
    package var path: String?
    package var keep: Int?
    package init(path: String? = nil, keep: Int? = nil) {
        self.path = path
        self.keep = keep
    }
}

/// A verified backup: integrity check passed and the audit chain holds up to `lastHash`.
package struct BackupView: Codable, Sendable, Equatable {
    package var path: String
    package var bytes: Int64
    package var auditRows: Int
    package var lastHash: String
    package var obligations: Int
    /// Older backups removed to keep the newest `keep`.
    package var removed: [String]
    package init(path: String, bytes: Int64, auditRows: Int, lastHash: String, obligations: Int, removed: [String]) {
        self.path = path
        self.bytes = bytes
        self.auditRows = auditRows
        self.lastHash = lastHash
        self.obligations = obligations
        self.removed = removed
    }
}

/// `POST /v1/feeds`: a calendar feed for the read-only TCP listener; whose it is, and of which entity
/// (absent: every entity).
package struct FeedBody: Codable, Sendable {
    package var label: String
    package var entity: String?
    package init(label: String, entity: String? = nil) {
        self.label = label
        self.entity = entity
    }
}

/// A calendar feed. `token`, `path` and `url` only in the answer to its creation: obligd keeps only
/// the token's hash, so a lost URL is revoked and replaced, never shown again.
package struct FeedView: Codable, Sendable, Equatable {
    package var id: Int64
    package var label: String
    package var entity: String?
    package var createdAt: String
    package var createdBy: String
    package var revokedAt: String?
    package var token: String?
    /// `/feeds/TOKEN.ics`, on the TCP listener.
    package var path: String?
    /// The whole URL, when obligd runs a TCP listener (`--http-listen`).
    package var url: String?
    package init(
        id: Int64, label: String, entity: String?, createdAt: String, createdBy: String, revokedAt: String? = nil,
        token: String? = nil, path: String? = nil, url: String? = nil
    ) {
        self.id = id
        self.label = label
        self.entity = entity
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.revokedAt = revokedAt
        self.token = token
        self.path = path
        self.url = url
    }
}
