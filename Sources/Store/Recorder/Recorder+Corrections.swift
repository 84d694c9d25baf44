import DeadlineKit
import Foundation
import Rules

/// What recording a fact did: its id, whether it was recorded before (nothing new written), and the
/// earlier report of the same instant it superseded.
package struct RecordedFact: Sendable, Equatable {
    /// The fact's row id (the earlier one's when it was a duplicate).
    package var id: Int64
    /// The same fact was recorded before; nothing new was written.
    package var duplicate = false
    /// The earlier report of the same instant this one replaced, if any.
    package var superseded: Int64?
    /// The instant it was observed (epoch seconds).
    package var observedAt: Int64 = 0
}

/// Facts are corrected, never deleted: recognising a fact recorded before, superseding a report,
/// retracting a fact, and re-deriving what the correction changed (moved, or flagged for a person).
extension Recorder {
    /// The report of `metric` at exactly `at` that still counts.
    func activeObservation(entity: String, metric: String, at: Instant) throws -> (id: Int64, value: Int64)? {
        try sql.row(
            """
            SELECT id, value FROM metricObservation
            WHERE entityId = ? AND metric = ? AND observedAt = ? AND retractedAt IS NULL
            """, [entity, metric, at.secondsSinceEpoch]
        ).map { (try $0.decode(0, "metricObservation.id"), try $0.decode(1, "metricObservation.value")) }
    }

    /// Marks report `earlier` as superseded by report `id`, audited with both values.
    func supersede(_ earlier: (id: Int64, value: Int64), by id: Int64, value: Int64, metric: String, entity: String, at: String) throws {
        let note = "superseded by report #\(id): \(metric) of \(entity) at \(at) is \(value), not \(earlier.value)"
        try sql.execute(
            "UPDATE metricObservation SET retractedAt = ?, retractedNote = ?, supersededBy = ? WHERE id = ?", now.secondsSinceEpoch,
            note, id, earlier.id)
        try audit(
            .metricSuperseded, subject: "metric:\(earlier.id)", before: #"{"value":\#(earlier.value)}"#,
            after: #"{"supersededBy":\#(id),"value":\#(value)}"#, note: note)
    }

    /// The id of an event recorded before that `ev` repeats, nil when it is new. A reference already
    /// used for an event of that kind with another instant or attributes is a conflict, unless the
    /// reference names what another event issued (`refNamesIssuer`: a certificate suspended twice).
    func sameEvent(as ev: EventRecord, zone: Zone, inImport: Bool, refNamesIssuer: Bool = false) throws -> Int64? {
        let candidates = try sql.all(
            EventRecord.self,
            "SELECT * FROM event WHERE entityId = ? AND kind = ? AND ref IS NOT DISTINCT FROM ? AND retractedAt IS NULL ORDER BY id",
            [ev.entityId, ev.kind, ev.ref])
        if let same = candidates.first(where: { $0.at == ev.at && $0.atIsDay == ev.atIsDay && $0.attributes == ev.attributes }) {
            return same.id
        }
        guard let ref = ev.ref, let other = candidates.first, !refNamesIssuer else { return nil }
        let when =
            other.atIsDay
            ? zone.day(of: Instant(secondsSinceEpoch: other.at)).description : zone.local(Instant(secondsSinceEpoch: other.at))
        let problem = "\(ev.kind) '\(ref)' of \(ev.entityId) is already recorded as event #\(other.id!) (at \(when)) with other details"
        let fix = "retract it first (obligctl fact retract event:\(other.id!) --reason ...), or give this event its own --ref"
        if inImport { throw StoreError.invalid(field: "ref", problem: problem, fix: fix) }
        throw StoreError.conflict("\(problem); \(fix)")
    }

    /// Flags the open obligations of `rules` from `metric`'s crossings that a corrected history no
    /// longer gives (not in `kept`): audited and notified, left open for a person to close.
    func flagVanishedCrossings(entity: String, metric: String, rules: [String], kept: Set<DerivedKey>, outcome: inout Outcome) throws {
        for rule in rules {
            let open = try sql.all(
                Obligation.self, "SELECT * FROM obligation WHERE entityId = ? AND ruleId = ? AND status = 'open' AND triggerKey LIKE ?",
                [entity, rule, "metric:\(metric)#%"])
            for o in open where !kept.contains(DerivedKey(entity: o.entityId, trigger: o.triggerKey)) {
                try flag(o, because: "the corrected reports of \(metric) no longer cross the threshold this obligation came from")
                outcome.flagged.append(o)
            }
        }
    }

    /// Audits and notifies that `o` is no longer given by the facts; it stays open (one wording for a
    /// changed rule and a corrected fact).
    func flag(_ o: Obligation, because: String) throws {
        let reason = "\(because). It stays open: mark it done, or waive it if it no longer applies"
        try audit(.obligationUnderived, subject: "obligation:\(o.id!)", before: nil, after: nil, note: reason)
        try notify(.underived, o, .init(reason: reason))
    }

    /// A fact by its kind and id, as `obligctl fact retract event:12` names it.
    package enum FactID: Sendable, Equatable, CustomStringConvertible {
        case event(Int64)
        case metric(Int64)

        /// `event:12` or `metric:7`, the form `obligctl fact retract` takes.
        package var description: String {
            switch self {
            case let .event(id): "event:\(id)"
            case let .metric(id): "metric:\(id)"
            }
        }
    }

    /// Retracts a recorded fact (audited with `reason`): it no longer derives anything. A retracted
    /// metric report re-derives its thresholds from the rest of the history (obligations move, or are
    /// flagged when no crossing gives them any more); a retracted event's open obligations are flagged.
    package func retract(_ fact: FactID, reason: String) throws -> Outcome {
        try Limits.check(reason, field: "reason", max: Limits.note, multiline: true)
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw StoreError.invalid(
                field: "reason", problem: "a retraction needs a reason", fix: "say why, e.g. --reason \"wrong entity\"")
        }
        switch fact {
        case let .metric(id):
            guard let row = try sql.one(MetricObservationRecord.self, "SELECT * FROM metricObservation WHERE id = ?", [id]) else {
                throw StoreError.notFound("metric report \(id)")
            }
            guard row.retractedAt == nil else {
                throw StoreError.conflict("metric report \(id) was already retracted: \(row.retractedNote ?? "")")
            }
            try sql.execute(
                "UPDATE metricObservation SET retractedAt = ?, retractedNote = ? WHERE id = ?", now.secondsSinceEpoch, reason, id)
            try audit(
                .metricRetracted, subject: "metric:\(id)", before: #"{"value":\#(row.value)}"#, after: nil,
                note: "\(row.metric) of \(row.entityId): \(reason)")
            var outcome = try evaluateMetric(
                entityId: row.entityId, metric: row.metric, because: "report #\(id) of \(row.metric) was retracted: \(reason)",
                flagVanished: true)
            outcome.factId = id
            return outcome
        case let .event(id):
            guard let ev = try sql.one(EventRecord.self, "SELECT * FROM event WHERE id = ?", [id]) else {
                throw StoreError.notFound("event \(id)")
            }
            guard ev.retractedAt == nil else { throw StoreError.conflict("event \(id) was already retracted: \(ev.retractedNote ?? "")") }
            try sql.execute("UPDATE event SET retractedAt = ?, retractedNote = ? WHERE id = ?", now.secondsSinceEpoch, reason, id)
            try audit(.eventRetracted, subject: "event:\(id)", before: nil, after: nil, note: "\(ev.kind) of \(ev.entityId): \(reason)")
            var outcome = Outcome(factId: id)
            let open = try sql.all(
                Obligation.self, "SELECT * FROM obligation WHERE entityId = ? AND triggerKey = ? AND status = 'open' ORDER BY id",
                [ev.entityId, TriggerKey.event(id)])
            for o in open {
                try flag(o, because: "event #\(id) (\(ev.kind)) it came from was retracted: \(reason)")
                outcome.flagged.append(o)
            }
            // A retracted suspension or reinstatement no longer counts: what it lapsed reopens, or lapses again.
            if let effect = config.packs.lazy.compactMap({ $0.events[ev.kind]?.effect }).first, let ref = ev.ref {
                try applyEffects(
                    issuedBy: effect.issuedBy, entity: try entity(ev.entityId), ref: ref,
                    reason: "event #\(id) (\(ev.kind)) was retracted: \(reason)", outcome: &outcome)
            }
            return outcome
        }
    }
}
