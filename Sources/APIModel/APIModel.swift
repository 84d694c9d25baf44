/// The JSON shapes of obligd's local API (see openapi.yaml), shared by the daemon and obligctl.

/// `POST /v1/entities` and `obligctl entity add`: who obligations are for; only `id` and `name` are required.
package struct EntityBody: Codable, Sendable {
    /// The key every other call names the entity by: letters, digits, `.`, `_`, `-`, at most 64 characters.
    package var id: String
    /// The name people read in reminders and reports.
    package var name: String
    /// IANA zone in which its days end (24:00) and reminders fire; absent: Asia/Shanghai.
    package var zone: String?
    /// Calendar region whose holidays and make-up days decide its working days; absent: `cn`.
    package var region: String?
    /// Who answers for it; a receiver with `mentionOwner` mentions them (obligd.json's `people`).
    package var owner: String?
    /// Free labels for the caller's own grouping; obligd stores and shows them.
    package var labels: [String: String]?
    /// Builds a request body; absent optional members take the daemon's defaults.
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

/// An entity as stored: the defaults of `EntityBody` filled in, with when it was added.
package struct EntityView: Codable, Sendable {
    /// The entity's id, as given when it was added.
    package var id: String
    /// The entity's display name.
    package var name: String
    /// Its IANA zone; its days end at 24:00 there.
    package var zone: String
    /// Its calendar region (`cn`).
    package var region: String
    /// Who answers for it, when one was given.
    package var owner: String?
    /// Its labels; empty when none were given.
    package var labels: [String: String]
    /// When it was added, ISO 8601 UTC.
    package var createdAt: String
    /// What the entity has stated about itself that rules read (`ciio`: `true`), `entity set`.
    package var attributes: [String: String] = [:]
    /// Builds the view; `Views.entity` in the daemon is the one place that fills it from a stored entity.
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
    /// The attribute's name, one the rule pack declares under `entityAttributes`; another is refused.
    package var attribute: String
    /// True or false; nil clears it.
    package var value: Bool?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(attribute: String, value: Bool?) {
        self.attribute = attribute
        self.value = value
    }
}

/// What setting an entity attribute did: the entity as it now stands, and the classifications and
/// obligations the rules conditioned on the attribute began, ended, opened or flagged.
package struct EntityAttributeResult: Codable, Sendable {
    /// The entity after the change, its attributes included.
    package var entity: EntityView
    /// Classifications the attribute began or ended.
    package var classifications: [ClassificationView]
    /// Obligations the change opened.
    package var opened: [ObligationView]
    /// Obligations opened while an attribute their rule reads is still not stated: flagged.
    package var unstated: [ObligationView]
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
    package init(entity: EntityView, classifications: [ClassificationView], opened: [ObligationView], unstated: [ObligationView]) {
        self.entity = entity
        self.classifications = classifications
        self.opened = opened
        self.unstated = unstated
    }
}

/// `POST /v1/metrics` and `obligctl metric report`: one observation of a metric rules compare with thresholds.
package struct MetricReport: Codable, Sendable {
    /// The entity's id; it must have been added first.
    package var entity: String
    /// The metric's name as the rule pack declares it (`registered_users`).
    package var metric: String
    /// The observed count; negative values are refused.
    package var value: Int64
    /// A date (YYYY-MM-DD, in the entity's zone) or an instant with offset; default now.
    package var at: String?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(entity: String, metric: String, value: Int64, at: String? = nil) {
        self.entity = entity
        self.metric = metric
        self.value = value
        self.at = at
    }
}

/// `POST /v1/events` and `obligctl event add`: a fact that may open, move or lapse obligations.
package struct EventBody: Codable, Sendable {
    /// The entity's id the event happened to; it must have been added first.
    package var entity: String
    /// The event kind as the rule pack declares it (`rectification_notice`); another is refused.
    package var kind: String
    /// When it happened: a day (YYYY-MM-DD, in the entity's zone) or an instant with offset; absent: now.
    package var at: String?
    /// The caller's reference (a certificate number); part of the event's identity, and how a later event acts on it.
    package var ref: String?
    /// Per the kind in the rule pack: a date, a period, free text or a level of a pack scale.
    package var attributes: [String: String]?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(entity: String, kind: String, at: String? = nil, ref: String? = nil, attributes: [String: String]? = nil) {
        self.entity = entity
        self.kind = kind
        self.at = at
        self.ref = ref
        self.attributes = attributes
    }
}

/// `POST /v1/obligations`: a one-off obligation no rule gives, with its own start and period.
package struct CustomObligationBody: Codable, Sendable {
    /// The entity's id it is for.
    package var entity: String
    /// What it asks, as reminders and reports show it.
    package var title: String
    /// Where the period starts: a day (YYYY-MM-DD) or an instant with offset.
    package var start: String
    /// The period, e.g. `+15wd`, `+1mo`, `+72h`; a bad one is a 400 naming the accepted forms.
    package var period: String
    /// `forward`, `backward` or `none`: where a due day on a rest day goes; absent: the period's usual roll.
    package var roll: String?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(entity: String, title: String, start: String, period: String, roll: String? = nil) {
        self.entity = entity
        self.title = title
        self.start = start
        self.period = period
        self.roll = roll
    }
}

/// `POST /v1/obligations/{id}/done`, `/waive` and `/reopen`: when and why, and the evidence kept with it.
package struct CloseBody: Codable, Sendable {
    /// The day it was done (YYYY-MM-DD); default today in the entity's zone.
    package var date: String?
    /// A note for done and reopen; the reason for a waiver (required there).
    package var note: String?
    /// Files attached as evidence with a done or a waiver (`EvidenceFileBody`), in the same transaction.
    package var evidence: [EvidenceFileBody]?
    /// A reference (a filing number) kept as evidence with them, or alone.
    package var reference: String?
    /// Builds the request body; every member is optional.
    package init(date: String? = nil, note: String? = nil, evidence: [EvidenceFileBody]? = nil, reference: String? = nil) {
        self.date = date
        self.note = note
        self.evidence = evidence
        self.reference = reference
    }
}

/// An obligation as the API shows it: its due day computed in the entity's zone and calendar, and its status.
package struct ObligationView: Codable, Sendable {
    /// Store's row id; stable across restarts and the key every obligation route takes.
    package var id: Int64
    /// The entity's id it is for.
    package var entity: String
    /// The rule that gave it; absent for a custom obligation (`POST /v1/obligations`).
    package var rule: String?
    /// What it asks, as reminders and reports show it.
    package var title: String
    /// What opened it (an event, a metric crossing, the previous obligation of a recurrence, or a custom
    /// one), as its key prints.
    package var trigger: String
    /// Where its period starts: a day, or an instant for an instant deadline.
    package var start: String
    /// Its period as written, e.g. `+15wd`.
    package var period: String
    /// The due day (YYYY-MM-DD) in the entity's zone.
    package var due: String
    /// The due day's weekday name, so a reader need not compute it.
    package var dueWeekday: String
    /// When it ends, ISO 8601 UTC: 24:00 of the due day in the entity's zone, or the instant itself.
    package var dueInstant: String
    /// The same end in the entity's zone with its offset, e.g. `2025-03-03T14:15:00+08:00`.
    package var dueLocal: String
    /// The entity's zone (IANA name).
    package var zone: String
    /// True for an instant deadline (+Nh, +Nmin, +Ns): its time matters, not only its day.
    package var timed: Bool
    /// Open, done, waived or lapsed (an event ended the duty; `closedNote` names it).
    package var status: ObligationStatus
    /// True while the due day rests on an estimated calendar year; it may move when that year's notice is loaded.
    package var provisional: Bool
    /// The calendar years and versions that decided the due day (`cn/2026 v1`, `cn/2027 estimated`).
    package var calendars: [String]
    /// The day it was done or waived (YYYY-MM-DD); absent while open.
    package var closedOn: String?
    /// The note given when it was closed (a waiver's reason, the event that lapsed it).
    package var closedNote: String?
    /// With `?explain=true`: how the due day follows from its rule, start, period and calendars, in lines an
    /// auditor can check by hand.
    package var explanation: [String]?
    /// Who has taken it (`obligctl ack`), while that holds.
    package var acknowledged: AcknowledgementView?
    /// In the answer to done: the next obligation of a recurring rule that this opened.
    package var opened: [ObligationView]?
    /// In the answer for one obligation: its reminder plan, the stages sent and to come.
    package var reminders: [ReminderView]?
    /// Builds the view; `Views.obligation` in the daemon fills it, the optional parts per route.
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
    /// Sent after its time (obligd was down, or earlier stages collapsed into it).
    package var late: Bool
    /// "-1d fell on Monday 2026-02-23 (Spring Festival): sent on Saturday 2026-02-14, ...".
    package var note: String?
    /// Builds one reminder of the plan.
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
    /// Who took it: the caller's user name as the socket peer's credentials give it, with any on-behalf-of name.
    package var by: String
    /// Why, or what they will do; may be empty.
    package var note: String
    /// When it was taken, ISO 8601 UTC.
    package var at: String
    /// The last day (YYYY-MM-DD) it holds; absent: until the obligation is closed.
    package var until: String?
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
    package init(by: String, note: String, at: String, until: String?) {
        self.by = by
        self.note = note
        self.at = at
        self.until = until
    }
}

/// `POST /v1/obligations/{id}/ack`.
package struct AckBody: Codable, Sendable {
    /// Why, or what the taker will do; kept with the acknowledgement and in the audit trail.
    package var note: String?
    /// The last day (YYYY-MM-DD) it holds; absent: until the obligation is closed.
    package var until: String?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(note: String?, until: String?) {
        self.note = note
        self.until = until
    }
}

/// What recording (or retracting) a fact did.
package struct FactResult: Codable, Sendable {
    /// The fact's row id, or the earlier one's when `duplicate`; what retract takes.
    package var id: Int64
    /// Obligations the fact opened.
    package var opened: [ObligationView]
    /// Open obligations whose due day the fact moved (a backdated or corrected fact).
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
    /// Builds the answer; the optional lists default to empty.
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
    /// Why it is retracted; required and kept in the audit trail, since a retraction undoes what the fact did.
    package var reason: String
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(reason: String) { self.reason = reason }
}

/// When and why a fact was retracted or superseded.
package struct RetractionView: Codable, Sendable, Equatable {
    /// When it was retracted or superseded, ISO 8601 UTC.
    package var at: String
    /// The reason given with the retraction, or the note recorded when it was superseded.
    package var note: String
    /// The report that superseded this one; nil for a retraction.
    package var supersededBy: Int64?
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
    package init(at: String, note: String, supersededBy: Int64? = nil) {
        self.at = at
        self.note = note
        self.supersededBy = supersededBy
    }
}

/// A recorded event. `at` is ISO 8601 UTC, `atLocal` the same in the entity's zone; `day` is set when
/// only a day was given.
package struct EventView: Codable, Sendable {
    /// The event's row id; what `POST /v1/events/{id}/retract` takes.
    package var id: Int64
    /// The entity's id it happened to.
    package var entity: String
    /// The event kind.
    package var kind: String
    /// When it happened, ISO 8601 UTC.
    package var at: String
    /// The same instant in the entity's zone with its offset.
    package var atLocal: String
    /// The day (YYYY-MM-DD) when only a day was given; nil for an instant.
    package var day: String?
    /// The caller's reference, when one was given.
    package var ref: String?
    /// The attributes as recorded.
    package var attributes: [String: String]
    /// When obligd recorded it, ISO 8601 UTC; may be later than `at` for a backdated event.
    package var recordedAt: String
    /// Set once the event was retracted; it then no longer counts.
    package var retracted: RetractionView?
    /// Builds the view; `Views.event` in the daemon fills it.
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
    /// The report's row id; what `POST /v1/metrics/{id}/retract` takes.
    package var id: Int64
    /// The entity's id it is about.
    package var entity: String
    /// The metric's name.
    package var metric: String
    /// The observed count.
    package var value: Int64
    /// The instant observed, ISO 8601 UTC.
    package var observedAt: String
    /// The same instant in the entity's zone with its offset.
    package var observedLocal: String
    /// When obligd recorded it, ISO 8601 UTC.
    package var recordedAt: String
    /// Set once it stopped counting (retracted, or superseded by another report of the same instant).
    package var retracted: RetractionView?
    /// Builds the view; `Views.report` in the daemon fills it.
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
    /// When the change was made, ISO 8601 UTC.
    package var at: String
    /// Who made the change, as the audit trail records it (the socket peer's user, with any on-behalf-of name).
    package var actor: String
    /// What happened, e.g. `obligation.opened`, `obligation.moved`, `obligation.done`.
    package var action: String
    /// The note given with the change (a waiver's reason); nil when none.
    package var note: String?
    /// The obligation before the change; nil for its creation.
    package var before: JSONValue?
    /// The obligation after the change.
    package var after: JSONValue?
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
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
    /// `metric` or `event`; another is refused.
    package var type: String
    /// The entity's id the line is about.
    package var entity: String
    /// A metric line: the metric's name.
    package var metric: String?
    /// A metric line: the observed count.
    package var value: Int64?
    /// An event line: the event kind.
    package var kind: String?
    /// A day (YYYY-MM-DD) or an instant with offset; absent: now.
    package var at: String?
    /// An event line: the caller's reference.
    package var ref: String?
    /// An event line: its attributes, as in `EventBody`.
    package var attributes: [String: String]?
    /// Builds one line; the members a type does not use stay nil.
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

/// `POST /v1/import`: many facts at once; the same file imported twice records nothing new.
package struct ImportBody: Codable, Sendable {
    /// The lines in order.
    package var records: [ImportRecord]
    /// What obligctl sends (a file's lines, in order); the daemon refuses, by name, a member it does not take.
    package init(records: [ImportRecord]) { self.records = records }
}

/// What an import did, counted over all its lines.
package struct ImportResult: Codable, Sendable {
    /// Lines recorded as new facts.
    package var imported: Int
    /// Rows recorded before (the same file imported again): recognised, nothing written for them.
    package var duplicates: Int
    /// Obligations the import opened.
    package var opened: Int
    /// Open obligations whose due day the import moved.
    package var moved: Int
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
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
    /// `ready`, or `degraded` while a receiver needs attention or this node's place in the cluster is wrong.
    package var status: HealthStatus
    /// obligd's version.
    package var version: String
    /// How many obligations are open.
    package var openObligations: Int
    /// Of those, how many are past their end.
    package var overdue: Int
    /// The open obligation that ends soonest (overdue ones first).
    package var nextDue: ObligationView?
    /// How many rules the configuration in force has.
    package var rules: Int
    /// Each configured webhook receiver, and any unconfigured one still holding messages.
    package var receivers: [ReceiverView]
    /// `standalone` (SQLite) or, on PostgreSQL, `leader`, `follower`, `disagrees` or `unreachable`.
    package var role: String?
    /// In a cluster, what is wrong with this node's place in it (its configuration differs from the
    /// cluster's, the database is unreachable); nil when nothing is.
    package var cluster: String?
    /// Builds the answer; `role` and `cluster` are set by the daemon from the store's backend.
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
    /// Its name in obligd.json.
    package var name: String
    /// Where it stands; `needsAttention` decides whether health is degraded.
    package var state: ReceiverState
    /// Messages queued for it, and when the oldest was queued and how long ago (seconds).
    package var pending: Int
    /// When the oldest queued message was queued, ISO 8601 UTC; nil when none is queued.
    package var oldestPendingAt: String?
    /// How long ago that was, in seconds.
    package var oldestPendingAgeSeconds: Int64?
    /// Dead letters: messages given up that nobody retried or dropped.
    package var dead: Int
    /// Since when it is paused or failing, and its last error.
    package var since: String?
    /// Its last error, as obligd recorded it.
    package var lastError: String?
    /// Paused: the next probe and how many failed so far.
    package var nextProbeAt: String?
    /// Paused: how many probes failed since the pause began.
    package var probes: Int?

    /// Builds the view; `Views.receiver` in the daemon fills it.
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
    /// What is wrong, in one sentence a person can act on.
    package var error: String
    /// The input at fault (a body member, query parameter or path part); nil when no single input is.
    package var field: String?
    /// How to fix it, e.g. the accepted forms; nil when there is nothing the caller can change.
    package var fix: String?
    /// Builds an error body; the daemon throws it to answer with it.
    package init(error: String, field: String? = nil, fix: String? = nil) {
        self.error = error
        self.field = field
        self.fix = fix
    }
}

/// One notification's delivery to one receiver: where it stands and why.
package struct DeliveryView: Codable, Sendable {
    /// The receiver's name in obligd.json.
    package var receiver: String
    /// `pending`, `delivered`, `dead`, `dropped` or `superseded` (its obligation was closed before it could go).
    package var status: String
    /// How many attempts were made so far.
    package var attempts: Int
    /// The last attempt's error; nil when none failed.
    package var lastError: String?
    /// The HTTP status of the last attempt; nil when it got no answer.
    package var lastHTTPStatus: Int?
    /// While pending: when the next attempt is due, ISO 8601 UTC.
    package var nextAttemptAt: String?
    /// When it was delivered, ISO 8601 UTC.
    package var deliveredAt: String?
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
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
    /// The webhook-id every attempt repeats, so a receiver can drop duplicates.
    package var id: String
    /// When it was queued, ISO 8601 UTC.
    package var createdAt: String
    /// What it announces: `obligation.opened`, `reminder`, `classification.began`, ... (`NotificationKind`).
    package var kind: String
    /// The obligation it is about, when it is about one.
    package var obligation: Int64?
    /// `pending`, `dispatched`, `invalid` or `dropped`.
    package var status: String
    /// Why the notification as a whole failed (e.g. it could not be built); nil when nothing did.
    package var lastError: String?
    /// Its delivery to each receiver.
    package var deliveries: [DeliveryView]
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
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

/// `POST /v1/outbox/{id}/retry` and `/drop`: which receiver (absent: all), and why it is dropped.
package struct OutboxActionBody: Codable, Sendable {
    /// Only this receiver's delivery; nil: every receiver's.
    package var receiver: String?
    /// Why a notification is dropped; required for drop and kept in the audit trail.
    package var reason: String?
    /// Builds the request body; both members are optional.
    package init(receiver: String? = nil, reason: String? = nil) {
        self.receiver = receiver
        self.reason = reason
    }
}

/// What an outbox action changed.
package struct OutboxActionResult: Codable, Sendable {
    /// How many deliveries it retried or dropped.
    package var changed: Int
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
    package init(changed: Int) { self.changed = changed }
}

/// `POST /v1/receivers/{name}/test`: what one test message to the receiver did, without queueing it.
package struct TestSendView: Codable, Sendable {
    /// The receiver's name in obligd.json.
    package var receiver: String
    /// True when the receiver accepted it.
    package var delivered: Bool
    /// The HTTP status it answered; nil when it gave none (a connection error).
    package var httpStatus: Int?
    /// Its answer's body, or why there was none.
    package var answer: String
    /// What obligd makes of the answer: delivered, a retryable failure, misconfigured (it would pause) or failed.
    package var verdict: String
    /// How long the attempt took, in milliseconds.
    package var milliseconds: Int64
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
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
    /// The row's id: the chain's order.
    package var id: Int64
    /// When it was written, epoch seconds as stored (the hash covers this text).
    package var at: Int64
    /// Who made the change, as recorded (the socket peer's user, with any on-behalf-of name).
    package var actor: String
    /// What happened, e.g. `obligation.done` (`AuditAction`).
    package var action: String
    /// What it is about, e.g. `obligation:42`.
    package var subject: String
    /// The subject before, as stored text (JSON for an obligation); nil when there is none.
    package var before: String?
    /// The subject after, as stored text; nil when there is none.
    package var after: String?
    /// The note given with the change.
    package var note: String?
    /// SHA-256 (hex) chaining this row to the one before (`AuditChain`); what `audit verify` recomputes.
    package var hash: String?

    /// Builds the record.
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
    /// The entity's id it applies to.
    package var entity: String
    /// The classification rule's id.
    package var rule: String
    /// The rule's title as the configuration in force words it.
    package var title: String
    /// The first day it holds (YYYY-MM-DD, entity's zone).
    package var since: String
    /// The day it ended; nil while it holds.
    package var until: String?
    /// True while it holds (`until` is nil).
    package var active: Bool
    /// The legal basis the rule cites.
    package var citation: String
    /// What the classification brings, as the rule lists it.
    package var duties: [String]
    /// Builds the view; `Views.classification` in the daemon fills it.
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
    /// The entity's id it applies to.
    package var entity: String
    /// The retention rule's id.
    package var rule: String
    /// The rule's title.
    package var title: String
    /// The event row whose records are kept.
    package var event: Int64
    /// The first day of the records kept (YYYY-MM-DD).
    package var from: String
    /// The last day they must be kept (YYYY-MM-DD).
    package var keepUntil: String
    /// The legal basis the rule cites.
    package var citation: String
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
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
    /// An absolute path for a new file (an existing one is refused); nil: the state directory's `backups/`.
    package var path: String?
    /// With the default place, keep only the newest this many; at least 1.
    package var keep: Int?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(path: String? = nil, keep: Int? = nil) {
        self.path = path
        self.keep = keep
    }
}

/// A verified backup: integrity check passed and the audit chain holds up to `lastHash`.
package struct BackupView: Codable, Sendable, Equatable {
    /// Where the copy was written.
    package var path: String
    /// Its size in bytes.
    package var bytes: Int64
    /// How many audit rows it holds.
    package var auditRows: Int
    /// The hash of the copy's last audit row: the chain was verified up to there.
    package var lastHash: String
    /// How many obligations it holds.
    package var obligations: Int
    /// Older backups removed to keep the newest `keep`.
    package var removed: [String]
    /// Filled by the backup route, or by `obligctl backup verify` when it checks a file itself.
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
    /// Whose feed it is, e.g. a person's name; shown when feeds are listed.
    package var label: String
    /// The one entity it shows; nil: every entity.
    package var entity: String?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(label: String, entity: String? = nil) {
        self.label = label
        self.entity = entity
    }
}

/// A calendar feed. `token`, `path` and `url` only in the answer to its creation: obligd keeps only
/// the token's hash, so a lost URL is revoked and replaced, never shown again.
package struct FeedView: Codable, Sendable, Equatable {
    /// The feed's row id; what revoke takes.
    package var id: Int64
    /// The label given when it was added.
    package var label: String
    /// The one entity it shows; nil: every entity.
    package var entity: String?
    /// When it was added, ISO 8601 UTC.
    package var createdAt: String
    /// Who added it.
    package var createdBy: String
    /// When it was revoked, ISO 8601 UTC; its URL no longer serves the feed.
    package var revokedAt: String?
    /// The secret in its URL; only in the answer that added it.
    package var token: String?
    /// `/feeds/TOKEN.ics`, on the TCP listener.
    package var path: String?
    /// The whole URL, when obligd runs a TCP listener (`--http-listen`).
    package var url: String?
    /// Builds the view; the secret parts are given only when the feed was just added.
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
