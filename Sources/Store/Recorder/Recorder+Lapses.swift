import DeadlineKit
import Foundation
import Rules

/// Events that act on what an earlier event issued (a certificate suspended, revoked or reinstated,
/// `RulePack.EventEffect`): its open obligations lapse, neither done nor waived, and lifting a
/// suspension reopens them. Matched by `ref`: the effect event names the issuing event's ref.
extension Recorder {
    /// Refuses an effect event that cannot apply, before anything is written: it needs a `ref`
    /// naming a recorded issuing event of the entity, a revoked certificate takes no further effect,
    /// and a reinstatement needs a suspension before it.
    func checkEffect(_ effect: RulePack.EventEffect, kind: String, entity: String, ref: String?, at: Instant) throws {
        guard let ref else {
            throw StoreError.invalid(
                field: "ref", problem: "event \(kind) needs the ref of the \(effect.issuedBy) it acts on",
                fix: "give --ref as recorded with the \(effect.issuedBy) event (obligctl fact list \(entity))")
        }
        guard try issuingEvent(effect.issuedBy, entity: entity, ref: ref) != nil else {
            throw StoreError.invalid(
                field: "ref", problem: "\(entity) has no \(effect.issuedBy) with ref '\(ref)'",
                fix: "record the \(effect.issuedBy) event with --ref \(ref) first, or give the ref it was recorded with")
        }
        let effects = try effectEvents(issuedBy: effect.issuedBy, entity: entity, ref: ref)
        if let revoked = effects.first(where: { if case .lapses(_, true) = $0.effect { true } else { false } }) {
            throw StoreError.conflict(
                "\(effect.issuedBy) '\(ref)' of \(entity) was ended by event #\(revoked.event.id!) (\(revoked.event.kind)); "
                    + "nothing can suspend or reinstate it: a new one is a new \(effect.issuedBy) with its own --ref")
        }
        if case .reinstates = effect, lapsing(effects.filter { $0.event.at <= at.secondsSinceEpoch }) == nil {
            throw StoreError.invalid(
                field: "kind", problem: "\(effect.issuedBy) '\(ref)' of \(entity) is not suspended at that time: nothing to reinstate",
                fix: "record the suspension first, or check the ref and the time")
        }
    }

    /// Brings the obligations of the issuing event named by `ref` in line with the effect events that
    /// stand (not retracted), in time order: lapsed while the last of them lapses (or any ended it
    /// for good), open otherwise. Each change is audited with the event as its reason.
    func applyEffects(issuedBy kind: String, entity e: Entity, ref: String, reason: String, outcome: inout Outcome) throws {
        guard let issuing = try issuingEvent(kind, entity: e.id, ref: ref) else { return }
        let lapsedBy = lapsing(try effectEvents(issuedBy: kind, entity: e.id, ref: ref))
        let zone = try zone(e)
        let obligations = try sql.all(
            Obligation.self,
            "SELECT * FROM obligation WHERE entityId = ? AND triggerKey = ? AND status IN ('open', 'lapsed') ORDER BY id",
            [e.id, TriggerKey.event(issuing.id!)])
        for var o in obligations {
            let before = try json(o)
            if let ev = lapsedBy, o.status == .open {
                o.status = .lapsed
                o.closedOn = zone.day(of: Instant(secondsSinceEpoch: ev.at))
                o.closedNote = "event \(ev.kind) #\(ev.id!): \(kind) '\(ref)' (event #\(issuing.id!))"
                o.nextStageIndex = nil
                o.nextReminderAt = nil
                o.updatedAt = now.secondsSinceEpoch
                try save(o)
                try sql.execute("DELETE FROM acknowledgement WHERE obligationId = ?", o.id!)
                try audit(.obligationLapsed, subject: "obligation:\(o.id!)", before: before, after: try json(o), note: o.closedNote)
                try notify(.lapsed, o, .init(reason: o.closedNote))
                outcome.lapsed.append(o)
            } else if lapsedBy == nil, o.status == .lapsed {
                o.status = .open
                o.closedOn = nil
                o.closedNote = nil
                try armReminders(&o)
                o.updatedAt = now.secondsSinceEpoch
                try save(o)
                try audit(.obligationReopened, subject: "obligation:\(o.id!)", before: before, after: try json(o), note: reason)
                try notify(.reopened, o, .init(reason: reason))
                outcome.reinstated.append(o)
            }
        }
    }

    /// The issuing event of `kind` with `ref` that stands (not retracted).
    private func issuingEvent(_ kind: String, entity: String, ref: String) throws -> EventRecord? {
        try sql.one(
            EventRecord.self, "SELECT * FROM event WHERE entityId = ? AND kind = ? AND ref = ? AND retractedAt IS NULL ORDER BY id",
            [entity, kind, ref])
    }

    /// The effect events on the issuing `kind` with `ref` that stand, in time order (report order
    /// for one instant), each with its effect.
    private func effectEvents(
        issuedBy kind: String, entity: String, ref: String
    ) throws -> [(event: EventRecord, effect: RulePack.EventEffect)] {
        let kinds = config.packs.flatMap { pack in
            pack.events.compactMap { name, spec in spec.effect.flatMap { $0.issuedBy == kind ? (name, $0) : nil } }
        }
        let effects = Dictionary(kinds, uniquingKeysWith: { a, _ in a })
        guard !effects.isEmpty else { return [] }
        return try sql.all(
            EventRecord.self,
            "SELECT * FROM event WHERE entityId = ? AND ref = ? AND retractedAt IS NULL ORDER BY at, id", [entity, ref]
        )
        .compactMap { ev in effects[ev.kind].map { (ev, $0) } }
    }

    /// The event that has the issued thing lapsed after `effects` (in time order), nil when it stands:
    /// a final lapse (revocation) holds whatever follows, a reinstatement lifts an earlier lapse.
    private func lapsing(_ effects: [(event: EventRecord, effect: RulePack.EventEffect)]) -> EventRecord? {
        var lapsedBy: EventRecord?
        for (ev, effect) in effects {
            switch effect {
            case .lapses(_, true): return ev
            case .lapses: lapsedBy = ev
            case .reinstates: lapsedBy = nil
            }
        }
        return lapsedBy
    }
}
