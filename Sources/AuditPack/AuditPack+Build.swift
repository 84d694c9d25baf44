import DeadlineKit
import Foundation
import Rules
import Store

/// Making, rendering and checking audit packs (#32). Why a module of its own: the daemon's report
/// route, the web view's report page and `obligctl report verify` all call it, and it reads the
/// state only through Store's typed API.
package enum AuditPack {
    /// The largest period a pack covers: ten years of days.
    static let maxDays = 3660

    /// Builds the pack of `entity` for `from...to` (days in its zone) on one snapshot of `store`,
    /// with the chain verified on the same snapshot.
    package static func build(
        store: ObligationStore, config: Configuration, entity: String, from: CivilDate, to: CivilDate, now: Instant,
        actor: String, language: Language
    ) async throws -> AuditPackDocument {
        guard from <= to else {
            throw StoreError.invalid(field: "from", problem: "\(from) is after to (\(to))", fix: "give from on or before to")
        }
        guard to.dayNumber - from.dayNumber < maxDays else {
            throw StoreError.invalid(
                field: "to", problem: "\(from) to \(to) is more than ten years", fix: "make one pack per year or a few years")
        }
        return try await store.snapshot(config: config, now: now) { r in
            try build(r, entity: entity, from: from, to: to, actor: actor, language: language)
        }
    }

    /// `build` on a snapshot already open.
    package static func build(
        _ r: Recorder, entity id: String, from: CivilDate, to: CivilDate, actor: String, language: Language
    ) throws -> AuditPackDocument {
        guard let e = try r.findEntity(id) else { throw StoreError.notFound("entity '\(id)'") }
        let calendar = try? r.config.calendar(e.region)
        let list = try r.obligations(entity: id, openFrom: from, to: to)
        let ids = list.compactMap(\.id)
        let histories = try r.history(ofAll: ids)
        let evidence = try r.evidence(ofAll: ids)
        let ledgers = try r.ledger(ofAll: ids)
        let notices = try r.notices(ofAll: ids)
        let trail = try r.verifyTrail()
        let generatedAt = r.now.description
        let asOf = min(to, try r.zone(ofEntity: id).day(of: r.now))
        var totals = PackTotals()
        var obligations: [PackObligation] = []
        obligations.reserveCapacity(list.count)
        for o in list {
            guard let oid = o.id else { continue }
            let rows = histories[oid] ?? []
            // The last row that recorded the state, decoded once.
            guard let (source, state) = rows.reversed().lazy.compactMap({ a in ObligationState.read(a.after).map { (a, $0) } }).first
            else {
                throw StoreError.conflict("obligation \(oid) has no audit row that records its state; run obligctl audit verify")
            }
            let rule = state.ruleId.flatMap(r.config.rule).map {
                PackRule(id: $0.id, title: $0.wording(language).title, citation: $0.wording(language).citation)
            }
            var p = PackObligation(
                id: oid, title: state.title, rule: rule, trigger: state.triggerKey, start: state.start, period: state.period,
                roll: state.roll, due: state.due, calendars: state.calendarList, provisional: state.provisional, status: state.status,
                closedOn: state.closedOn, source: ref(source), outcome: PackOutcome(kind: .open), history: rows.map(row),
                evidence: (evidence[oid] ?? []).map(item), reminders: [])
            p.outcome = outcome(of: p, asOf: asOf, calendar: calendar)
            let byStage = Dictionary((notices[oid] ?? []).compactMap { n in n.stageKey.map { ($0, n) } }, uniquingKeysWith: { a, _ in a })
            p.reminders = (ledgers[oid] ?? []).map { reminder($0, notice: byStage[$0.stage]) }
            totals.add(p.outcome.kind)
            obligations.append(p)
        }
        return AuditPackDocument(
            format: AuditPackDocument.formatName, language: language.rawValue,
            entity: PackEntity(id: e.id, name: e.name, zone: e.zone, region: e.region, owner: e.owner), from: from.description,
            to: to.description, generatedAt: generatedAt, generatedBy: actor,
            chain: PackChain(
                rows: trail.rows, headId: trail.headId, headHash: trail.headHash, intact: trail.intact, problem: trail.problem,
                evidenceFiles: trail.evidenceFiles, evidenceBytes: trail.evidenceBytes),
            totals: totals, obligations: obligations)
    }

    static func ref(_ a: AuditEntry) -> PackRef { PackRef(id: a.id ?? 0, hash: a.hash ?? "") }

    /// The statement of one audit row: the same function reads a row when the pack is made and when
    /// it is verified, so a pack that was edited differs from what the live row gives.
    static func row(_ a: AuditEntry) -> PackRow {
        var p = PackRow(
            audit: ref(a), at: Instant(secondsSinceEpoch: a.at).description, actor: a.actor, action: a.action, note: a.note)
        if let after = ObligationState.read(a.after) {
            p.due = after.due
            p.status = after.status
            p.closedOn = after.closedOn
            // Only a move changes the due day (a recompute that keeps it is `obligation.recomputed`).
            if a.action == NotificationKind.moved.rawValue, let before = ObligationState.read(a.before), before.due != after.due {
                p.dueBefore = before.due
            }
        } else if let added = Evidence.AddedRecord.read(a.after) {
            p.file = added.name
            p.sha256 = added.sha256
        } else if let text = a.after {
            p.detail = text
        }
        return p
    }

    static func item(_ e: EvidenceItem) -> PackEvidence {
        PackEvidence(
            number: e.number, name: e.name, mediaType: e.mediaType, size: e.size, sha256: e.sha256, reference: e.reference,
            addedAt: Instant(secondsSinceEpoch: e.addedAt).description, actor: e.actor,
            audit: PackRef(id: e.auditId, hash: e.auditHash ?? ""))
    }

    static func reminder(_ l: LedgerRow, notice: Recorder.Notice?) -> PackReminder {
        PackReminder(
            stage: l.stage, dueAt: Instant(secondsSinceEpoch: l.dueAt).description,
            firedAt: Instant(secondsSinceEpoch: l.firedAt).description,
            late: l.late, notice: notice?.id, journal: notice?.status.rawValue,
            deliveries: (notice?.deliveries ?? []).map {
                PackDelivery(
                    receiver: $0.receiver, status: $0.status.rawValue, attempts: $0.attempts,
                    deliveredAt: $0.deliveredAt.map { Instant(secondsSinceEpoch: $0 / 1000).description }, lastError: $0.lastError)
            })
    }

    /// On time or late (working days after the due day on the entity's calendar), waived, lapsed, or still
    /// open (overdue when past its due day on `asOf`). Computed from the stated due and closing days,
    /// so a verifier gets the same answer from the same statements.
    static func outcome(of p: PackObligation, asOf: CivilDate, calendar: WorkingCalendar?) -> PackOutcome {
        guard let due = try? CivilDate(parsing: p.due) else { return PackOutcome(kind: .open) }
        let late = { (day: CivilDate) -> (Int?, Int) in
            let working: Int? = calendar.flatMap { try? $0.workingDayCount(from: due.adding(days: 1), through: day) }
            return (working, day.dayNumber - due.dayNumber)
        }
        switch p.status {
        case Obligation.Status.waived.rawValue: return PackOutcome(kind: .waived)
        case Obligation.Status.lapsed.rawValue: return PackOutcome(kind: .lapsed)
        case Obligation.Status.done.rawValue:
            guard let closed = p.closedOn.flatMap({ try? CivilDate(parsing: $0) }), closed > due else { return PackOutcome(kind: .onTime) }
            let (working, days) = late(closed)
            return PackOutcome(kind: .late, workingDaysLate: working, daysLate: days)
        default:
            guard asOf > due else { return PackOutcome(kind: .open) }
            let (working, days) = late(asOf)
            return PackOutcome(kind: .overdue, workingDaysLate: working, daysLate: days)
        }
    }
}

extension PackTotals {
    mutating func add(_ kind: PackOutcomeKind) {
        obligations += 1
        switch kind {
        case .onTime: onTime += 1
        case .late: late += 1
        case .waived: waived += 1
        case .open: open += 1
        case .overdue: overdue += 1
        case .lapsed: lapsed += 1
        }
    }
}

/// An obligation as an audit row's `before` or `after` records it (`Obligation.auditJSON`).
struct ObligationState: Decodable, Equatable {
    var title: String
    var triggerKey: String
    var start: String
    var period: String
    var roll: String?
    var due: String
    var calendars: String
    var provisional: Bool
    var status: String
    var closedOn: String?
    var ruleId: String?

    var calendarList: [String] { CalendarList(json: calendars).years }

    /// Reads a row's JSON; nil when it is not an obligation's state.
    static func read(_ json: String?) -> ObligationState? {
        // An obligation's state has its due day; other rows' JSON (evidence) does not.
        guard let json, json.hasPrefix("{"), json.contains("\"due\":") else { return nil }
        return try? decoder.decode(ObligationState.self, from: Data(json.utf8))
    }

    /// One decoder for every row: a pack of 10,000 obligations reads tens of thousands.
    private static let decoder = JSONDecoder()
}
