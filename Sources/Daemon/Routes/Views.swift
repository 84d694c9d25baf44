import APIModel
import DeadlineKit
import Foundation
import Rules
import Store

enum Views {
    static func entity(_ e: Entity) -> EntityView {
        return EntityView(
            id: e.id, name: e.name, zone: e.zone, region: e.region, owner: e.owner, labels: e.labels.values,
            createdAt: Instant(secondsSinceEpoch: e.createdAt).description, attributes: e.attributes.values)
    }

    static func obligation(
        _ o: Obligation, in r: Recorder, explanation: [String]? = nil, acknowledgement: Acknowledgement?, reminders: Bool = false
    ) throws -> ObligationView {
        var v = try obligation(o, in: r, explanation: explanation)
        v.acknowledged = acknowledgement.map {
            AcknowledgementView(by: $0.actor, note: $0.note, at: Instant(secondsSinceEpoch: $0.at).description, until: $0.until)
        }
        guard reminders else { return v }
        let zone = try r.zone(ofEntity: o.entityId)
        v.reminders = try r.plannedReminders(of: o).map {
            ReminderView(
                stage: $0.stage, state: $0.state.rawValue, at: $0.at.description, local: zone.local($0.at), sent: $0.sentAt?.description,
                late: $0.late,
                note: $0.note)
        }
        return v
    }

    /// An obligation as the API shows it; `r` gives its entity's zone, in which its end is also shown.
    static func obligation(_ o: Obligation, in r: Recorder, explanation: [String]? = nil) throws -> ObligationView {
        let zone = try r.zone(ofEntity: o.entityId)
        let end = Instant(secondsSinceEpoch: o.dueInstant)
        return ObligationView(
            id: o.id ?? 0, entity: o.entityId, rule: o.ruleId, title: o.title, trigger: o.triggerKey.description,
            start: o.start.description, period: o.period.description, due: o.due.description,
            dueWeekday: o.due.weekdayName, dueInstant: end.description, dueLocal: zone.local(end), zone: zone.identifier,
            timed: o.period.unit.isInstant, status: o.status, provisional: o.provisional, calendars: o.calendars.years,
            closedOn: o.closedOn?.description, closedNote: o.closedNote, explanation: explanation)
    }

    static func fact(_ outcome: Recorder.Outcome, in r: Recorder) throws -> FactResult {
        FactResult(
            id: outcome.factId, opened: try outcome.opened.map { try obligation($0, in: r) },
            moved: try outcome.moved.map { try obligation($0, in: r) }, flagged: try outcome.flagged.map { try obligation($0, in: r) },
            duplicate: outcome.duplicate, superseded: outcome.superseded,
            classifications: outcome.classifications.map { classification($0, rule: r.config.rule($0.ruleId)) },
            unstated: try outcome.unstated.map { try obligation($0, in: r) },
            lapsed: try outcome.lapsed.map { try obligation($0, in: r) },
            reinstated: try outcome.reinstated.map { try obligation($0, in: r) })
    }

    static func classification(_ c: ClassificationRecord, rule: Rule?) -> ClassificationView {
        ClassificationView(
            entity: c.entityId, rule: c.ruleId, title: rule?.title ?? c.ruleId, since: c.since.description,
            until: c.until?.description, active: c.until == nil, citation: rule?.citation ?? "", duties: rule?.duties ?? [])
    }

    static func event(_ e: EventRecord, in r: Recorder) throws -> EventView {
        let zone = try r.zone(ofEntity: e.entityId)
        let at = Instant(secondsSinceEpoch: e.at)
        return EventView(
            id: e.id ?? 0, entity: e.entityId, kind: e.kind, at: at.description, atLocal: zone.local(at),
            day: e.atIsDay ? zone.day(of: at).description : nil, ref: e.ref, attributes: e.attributes.values,
            recordedAt: Instant(secondsSinceEpoch: e.recordedAt).description,
            retracted: e.retractedAt.map { RetractionView(at: Instant(secondsSinceEpoch: $0).description, note: e.retractedNote ?? "") })
    }

    static func report(_ m: MetricObservationRecord, in r: Recorder) throws -> MetricReportView {
        let at = Instant(secondsSinceEpoch: m.observedAt)
        return MetricReportView(
            id: m.id ?? 0, entity: m.entityId, metric: m.metric, value: m.value, observedAt: at.description,
            observedLocal: try r.zone(ofEntity: m.entityId).local(at), recordedAt: Instant(secondsSinceEpoch: m.recordedAt).description,
            retracted: m.retractedAt.map {
                RetractionView(at: Instant(secondsSinceEpoch: $0).description, note: m.retractedNote ?? "", supersededBy: m.supersededBy)
            })
    }

    static func audit(_ a: AuditEntry) -> AuditView {
        AuditView(
            at: Instant(secondsSinceEpoch: a.at).description, actor: a.actor, action: a.action, note: a.note,
            before: a.before.flatMap(snapshot), after: a.after.flatMap(snapshot))
    }

    /// An audit snapshot as an object, its epoch-second instants (keys ending in `At`, and
    /// `dueInstant`) as ISO 8601 UTC, like every other instant the API shows.
    static func snapshot(_ text: String) -> JSONValue? {
        guard case let .object(fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else { return nil }
        return .object(
            fields.reduce(into: [:]) { out, field in
                if case let .integer(seconds) = field.value, field.key.hasSuffix("At") || field.key == "dueInstant" {
                    out[field.key] = .string(Instant(secondsSinceEpoch: seconds).description)
                } else {
                    out[field.key] = field.value
                }
            })
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
