/// The JSON shapes of obligd's local API (see openapi.yaml), shared by the daemon and obligctl.

public struct EntityBody: Codable, Sendable {
    public var id: String
    public var name: String
    public var zone: String?
    public var region: String?
    public var owner: String?
    public var labels: [String: String]?
    public init(id: String, name: String, zone: String? = nil, region: String? = nil, owner: String? = nil, labels: [String: String]? = nil) {
        self.id = id; self.name = name; self.zone = zone; self.region = region; self.owner = owner; self.labels = labels
    }
}

public struct EntityView: Codable, Sendable {
    public var id: String
    public var name: String
    public var zone: String
    public var region: String
    public var owner: String?
    public var labels: [String: String]
    public var createdAt: String
    public init(id: String, name: String, zone: String, region: String, owner: String?, labels: [String: String], createdAt: String) {
        self.id = id; self.name = name; self.zone = zone; self.region = region; self.owner = owner; self.labels = labels; self.createdAt = createdAt
    }
}

public struct MetricReport: Codable, Sendable {
    public var entity: String
    public var metric: String
    public var value: Int64
    /// A date (YYYY-MM-DD, in the entity's zone) or an instant with offset; default now.
    public var at: String?
    public init(entity: String, metric: String, value: Int64, at: String? = nil) {
        self.entity = entity; self.metric = metric; self.value = value; self.at = at
    }
}

public struct EventBody: Codable, Sendable {
    public var entity: String
    public var kind: String
    public var at: String?
    public var ref: String?
    public var attributes: [String: String]?
    public init(entity: String, kind: String, at: String? = nil, ref: String? = nil, attributes: [String: String]? = nil) {
        self.entity = entity; self.kind = kind; self.at = at; self.ref = ref; self.attributes = attributes
    }
}

public struct CustomObligationBody: Codable, Sendable {
    public var entity: String
    public var title: String
    public var start: String
    public var period: String
    public var roll: String?
    public init(entity: String, title: String, start: String, period: String, roll: String? = nil) {
        self.entity = entity; self.title = title; self.start = start; self.period = period; self.roll = roll
    }
}

public struct CloseBody: Codable, Sendable {
    /// The day it was done (YYYY-MM-DD); default today in the entity's zone.
    public var date: String?
    /// A note for done and reopen; the reason for a waiver (required there).
    public var note: String?
    public init(date: String? = nil, note: String? = nil) { self.date = date; self.note = note }
}

public struct ObligationView: Codable, Sendable {
    public var id: Int64
    public var entity: String
    public var rule: String?
    public var title: String
    public var trigger: String
    public var start: String
    public var period: String
    public var due: String
    public var dueWeekday: String
    public var dueInstant: String
    public var status: String
    public var provisional: Bool
    public var calendars: [String]
    public var closedOn: String?
    public var closedNote: String?
    public var explanation: [String]?
    /// Who has taken it (`obligctl ack`), while that holds.
    public var acknowledged: AcknowledgementView?
    public init(id: Int64, entity: String, rule: String?, title: String, trigger: String, start: String, period: String, due: String,
                dueWeekday: String, dueInstant: String, status: String, provisional: Bool, calendars: [String], closedOn: String?,
                closedNote: String?, explanation: [String]? = nil, acknowledged: AcknowledgementView? = nil) {
        self.id = id; self.entity = entity; self.rule = rule; self.title = title; self.trigger = trigger; self.start = start
        self.period = period; self.due = due; self.dueWeekday = dueWeekday; self.dueInstant = dueInstant; self.status = status
        self.provisional = provisional; self.calendars = calendars; self.closedOn = closedOn; self.closedNote = closedNote
        self.explanation = explanation
        self.acknowledged = acknowledged
    }
}

/// An acknowledgement: who took the obligation, their note, when (ISO 8601), and until which day.
public struct AcknowledgementView: Codable, Sendable, Equatable {
    public var by: String
    public var note: String
    public var at: String
    public var until: String?
    public init(by: String, note: String, at: String, until: String?) { self.by = by; self.note = note; self.at = at; self.until = until }
}

/// `POST /v1/obligations/{id}/ack`.
public struct AckBody: Codable, Sendable {
    public var note: String?
    /// The last day (YYYY-MM-DD) it holds; absent: until the obligation is closed.
    public var until: String?
    public init(note: String?, until: String?) { self.note = note; self.until = until }
}

public struct FactResult: Codable, Sendable {
    public var id: Int64
    public var opened: [ObligationView]
    public var moved: [ObligationView]
    public init(id: Int64, opened: [ObligationView], moved: [ObligationView]) { self.id = id; self.opened = opened; self.moved = moved }
}

public struct AuditView: Codable, Sendable {
    public var at: String
    public var actor: String
    public var action: String
    public var note: String?
    public var before: String?
    public var after: String?
    public init(at: String, actor: String, action: String, note: String?, before: String?, after: String?) {
        self.at = at; self.actor = actor; self.action = action; self.note = note; self.before = before; self.after = after
    }
}

/// One line of an import: a metric observation or an event.
public struct ImportRecord: Codable, Sendable {
    public var type: String
    public var entity: String
    public var metric: String?
    public var value: Int64?
    public var kind: String?
    public var at: String?
    public var ref: String?
    public var attributes: [String: String]?
    public init(type: String, entity: String, metric: String? = nil, value: Int64? = nil, kind: String? = nil, at: String? = nil,
                ref: String? = nil, attributes: [String: String]? = nil) {
        self.type = type; self.entity = entity; self.metric = metric; self.value = value; self.kind = kind; self.at = at
        self.ref = ref; self.attributes = attributes
    }
}

public struct ImportBody: Codable, Sendable {
    public var records: [ImportRecord]
    public init(records: [ImportRecord]) { self.records = records }
}

public struct ImportResult: Codable, Sendable {
    public var imported: Int
    public var opened: Int
    public var moved: Int
    public init(imported: Int, opened: Int, moved: Int) { self.imported = imported; self.opened = opened; self.moved = moved }
}

/// `status` is `ready`, or `degraded` while a receiver is paused, failing or holds dead letters: a
/// reminder may then not be reaching the people who rely on that receiver.
public struct Health: Codable, Sendable {
    public var status: String
    public var version: String
    public var openObligations: Int
    public var overdue: Int
    public var nextDue: String?
    public var rules: Int
    public var receivers: [ReceiverView]
    public init(status: String, version: String, openObligations: Int, overdue: Int, nextDue: String?, rules: Int,
                receivers: [ReceiverView] = []) {
        self.status = status; self.version = version; self.openObligations = openObligations; self.overdue = overdue
        self.nextDue = nextDue; self.rules = rules; self.receivers = receivers
    }

    /// One line per receiver that is not ok, e.g. "receiver ops paused since 2026-11-24T10:02:00Z: errcode 310000 ...".
    public var receiverProblems: [String] {
        receivers.filter { $0.state != "ok" && $0.state != "unconfigured" }.map { $0.problem }
    }
}

/// Where a webhook receiver stands: `ok`, `failing` (transient errors, retried with backoff),
/// `paused` (it answered that its configuration is wrong; its queue is kept and probed),
/// `dead-letters` (messages given up that nobody retried or dropped yet) or `unconfigured` (no longer
/// in obligd.json, with messages still kept for it). Instants are ISO 8601 UTC.
public struct ReceiverView: Codable, Sendable, Equatable {
    public var name: String
    public var state: String
    /// Messages queued for it, and when the oldest was queued and how long ago (seconds).
    public var pending: Int
    public var oldestPendingAt: String?
    public var oldestPendingAgeSeconds: Int64?
    public var dead: Int
    /// Since when it is paused or failing, and its last error.
    public var since: String?
    public var lastError: String?
    /// Paused: the next probe and how many failed so far.
    public var nextProbeAt: String?
    public var probes: Int?

    public init(name: String, state: String, pending: Int, oldestPendingAt: String?, oldestPendingAgeSeconds: Int64?, dead: Int,
                since: String?, lastError: String?, nextProbeAt: String?, probes: Int?) {
        self.name = name; self.state = state; self.pending = pending; self.oldestPendingAt = oldestPendingAt
        self.oldestPendingAgeSeconds = oldestPendingAgeSeconds; self.dead = dead; self.since = since; self.lastError = lastError
        self.nextProbeAt = nextProbeAt; self.probes = probes
    }

    /// A sentence for status lines and STATUS=.
    public var problem: String {
        switch state {
        case "paused": "receiver \(name) paused since \(since ?? "?"): \(lastError ?? "")"
        case "failing": "receiver \(name) failing since \(since ?? "?"): \(lastError ?? "")"
        case "dead-letters": "receiver \(name) has \(dead) dead letter\(dead == 1 ? "" : "s") (obligctl outbox retry --receiver \(name) --all)"
        default: "receiver \(name) ok"
        }
    }
}

/// Every 4xx and 5xx body: which input is wrong, what is wrong with it, and how to fix it.
public struct APIErrorBody: Codable, Sendable, Error {
    public var error: String
    public var field: String?
    public var fix: String?
    public init(error: String, field: String? = nil, fix: String? = nil) { self.error = error; self.field = field; self.fix = fix }
}

public struct DeliveryView: Codable, Sendable {
    public var receiver: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var lastHTTPStatus: Int?
    public var nextAttemptAt: String?
    public var deliveredAt: String?
    public init(receiver: String, status: String, attempts: Int, lastError: String?, lastHTTPStatus: Int?, nextAttemptAt: String?, deliveredAt: String?) {
        self.receiver = receiver; self.status = status; self.attempts = attempts; self.lastError = lastError
        self.lastHTTPStatus = lastHTTPStatus; self.nextAttemptAt = nextAttemptAt; self.deliveredAt = deliveredAt
    }
}

/// A notification in the outbox with its delivery to each receiver.
public struct OutboxView: Codable, Sendable {
    public var id: String
    public var createdAt: String
    public var kind: String
    public var obligation: Int64?
    public var status: String
    public var lastError: String?
    public var deliveries: [DeliveryView]
    public init(id: String, createdAt: String, kind: String, obligation: Int64?, status: String, lastError: String?, deliveries: [DeliveryView]) {
        self.id = id; self.createdAt = createdAt; self.kind = kind; self.obligation = obligation; self.status = status
        self.lastError = lastError; self.deliveries = deliveries
    }
}

public struct OutboxActionBody: Codable, Sendable {
    public var receiver: String?
    public var reason: String?
    public init(receiver: String? = nil, reason: String? = nil) { self.receiver = receiver; self.reason = reason }
}

public struct OutboxActionResult: Codable, Sendable {
    public var changed: Int
    public init(changed: Int) { self.changed = changed }
}

public struct TestSendView: Codable, Sendable {
    public var receiver: String
    public var delivered: Bool
    public var httpStatus: Int?
    public var answer: String
    public var verdict: String
    public var milliseconds: Int64
    public init(receiver: String, delivered: Bool, httpStatus: Int?, answer: String, verdict: String, milliseconds: Int64) {
        self.receiver = receiver; self.delivered = delivered; self.httpStatus = httpStatus; self.answer = answer
        self.verdict = verdict; self.milliseconds = milliseconds
    }
}
