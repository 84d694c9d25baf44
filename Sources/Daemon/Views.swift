import APIModel
import DeadlineKit
import Foundation
import Rules
import Store

enum Views {
    static func entity(_ e: Entity) -> EntityView {
        return EntityView(
            id: e.id, name: e.name, zone: e.zone, region: e.region, owner: e.owner, labels: e.labels.values,
            createdAt: Instant(secondsSinceEpoch: e.createdAt).description)
    }

    static func obligation(_ o: Obligation, explanation: [String]? = nil, acknowledgement: Acknowledgement?) -> ObligationView {
        var v = obligation(o, explanation: explanation)
        v.acknowledged = acknowledgement.map {
            AcknowledgementView(by: $0.actor, note: $0.note, at: Instant(secondsSinceEpoch: $0.at).description, until: $0.until)
        }
        return v
    }

    static func obligation(_ o: Obligation, explanation: [String]? = nil) -> ObligationView {
        ObligationView(
            id: o.id ?? 0, entity: o.entityId, rule: o.ruleId, title: o.title, trigger: o.triggerKey.description,
            start: o.start.description, period: o.period.description, due: o.due.description,
            dueWeekday: o.due.weekdayName, dueInstant: Instant(secondsSinceEpoch: o.dueInstant).description,
            status: o.status.rawValue, provisional: o.provisional, calendars: o.calendars.years,
            closedOn: o.closedOn?.description, closedNote: o.closedNote, explanation: explanation)
    }

    static func fact(_ outcome: Recorder.Outcome) -> FactResult {
        FactResult(id: outcome.factId, opened: outcome.opened.map { obligation($0) }, moved: outcome.moved.map { obligation($0) })
    }

    static func audit(_ a: AuditEntry) -> AuditView {
        AuditView(
            at: Instant(secondsSinceEpoch: a.at).description, actor: a.actor, action: a.action, note: a.note, before: a.before,
            after: a.after)
    }

    /// A receiver's queue as the API shows it; `nowMillis` gives the age of its oldest pending message.
    static func receiver(_ q: ReceiverQueue, nowMillis: Int64) -> ReceiverView {
        let iso = { (ms: Int64) in Instant(secondsSinceEpoch: ms / 1000).description }
        return ReceiverView(
            name: q.receiver, state: q.state, pending: q.pending, oldestPendingAt: q.oldestPendingAt.map(iso),
            oldestPendingAgeSeconds: q.oldestPendingAt.map { max(0, nowMillis - $0) / 1000 }, dead: q.dead,
            since: (q.pause?.since ?? q.failingSince).map(iso), lastError: q.lastError,
            nextProbeAt: q.pause.map { iso($0.nextProbeAt) }, probes: q.pause?.probes)
    }
}
