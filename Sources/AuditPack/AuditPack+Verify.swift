import DeadlineKit
import Foundation
import Rules
import Store

/// What checking a pack against the live state found.
package struct PackVerification: Codable, Sendable, Equatable {
    /// Statements compared with the state (audit rows, evidence items, reminders, the chain's head).
    package var checked: Int
    /// Each statement that does not match, naming the obligation and the row; empty when all do.
    package var problems: [String]
    /// The chain as verified now (a pack from an intact chain may be checked against one broken since).
    package var chainIntact: Bool
    /// What does not hold in the chain now, when `chainIntact` is false.
    package var chainProblem: String?

    /// Every statement matches the trail. The chain's state now is apart (`chainIntact`): `report verify`
    /// only notes it, since a pack made from an intact chain still states what was recorded then.
    package var intact: Bool { problems.isEmpty }
}

extension AuditPack {
    /// Checks every statement of `pack` against the state on one snapshot: each audit row it cites
    /// is in the trail with that hash and gives the same statement; each evidence item, reminder and
    /// delivery outcome is as recorded; the chain's head at the time is still in the chain.
    package static func verify(
        _ pack: AuditPackDocument, store: ObligationStore, config: Configuration, now: Instant
    ) async throws
        -> PackVerification
    {
        try await store.snapshot(config: config, now: now) { r in try verify(pack, r) }
    }

    /// `verify` on a snapshot already open.
    package static func verify(_ pack: AuditPackDocument, _ r: Recorder) throws -> PackVerification {
        guard pack.format == AuditPackDocument.formatName else {
            throw StoreError.invalid(
                field: "format", problem: "'\(pack.format)' is not a pack this obligd makes (\(AuditPackDocument.formatName))",
                fix: "verify it with the obligd version that made it")
        }
        var problems: [String] = []
        var checked = 0
        // The chain's head at the time: the live trail must still hold that row with that hash.
        checked += 1
        if pack.chain.headId > 0 {
            let live = try r.auditRow(pack.chain.headId)
            if live?.hash != pack.chain.headHash {
                problems.append(
                    "chain head: the pack names audit row \(pack.chain.headId) with hash \(pack.chain.headHash), "
                        + (live.map { "the trail holds \($0.hash ?? "none")" } ?? "the trail has no such row"))
            }
        }
        let entity = try r.findEntity(pack.entity.id)
        let calendar = entity.flatMap { try? r.config.calendar($0.region) }
        if entity == nil { problems.append("entity: there is no entity '\(pack.entity.id)'") }
        let ids = pack.obligations.map(\.id)
        let histories = try r.history(ofAll: ids)
        let evidence = try r.evidence(ofAll: ids)
        let ledgers = try r.ledger(ofAll: ids)
        let notices = try r.notices(ofAll: ids)
        let asOf = stated(pack)
        for o in pack.obligations {
            let name = "obligation \(o.id) (\(o.title))"
            let live = Dictionary((histories[o.id] ?? []).map { ($0.id ?? 0, $0) }, uniquingKeysWith: { a, _ in a })
            // The obligation's stated state, from its source row.
            checked += 1
            if let source = live[o.source.id], source.hash == o.source.hash, let state = ObligationState.read(source.after) {
                let fromTrail = PackObligation(
                    id: o.id, title: state.title, rule: o.rule, trigger: state.triggerKey, start: state.start, period: state.period,
                    roll: state.roll, due: state.due, calendars: state.calendarList, provisional: state.provisional, status: state.status,
                    closedOn: state.closedOn, source: o.source, outcome: o.outcome, history: [], evidence: [], reminders: [])
                var statedHead = o
                (statedHead.history, statedHead.evidence, statedHead.reminders) = ([], [], [])
                for field in differences(statedHead, fromTrail) {
                    problems.append("\(name): \(field) (source audit row \(o.source.id))")
                }
            } else {
                problems.append("\(name): its source audit row \(o.source.id) is not in the trail with hash \(o.source.hash)")
            }
            checked += 1
            let computed = outcome(of: o, asOf: asOf, calendar: calendar)
            for field in differences(o.outcome, computed) { problems.append("\(name): outcome \(field)") }
            for (n, row) in o.history.enumerated() {
                checked += 1
                let what = "\(name), history row \(n + 1) (audit row \(row.audit.id), \(row.action))"
                guard let entry = live[row.audit.id], entry.hash == row.audit.hash else {
                    problems.append("\(what): not in the trail with hash \(row.audit.hash)")
                    continue
                }
                for field in differences(row, AuditPack.row(entry)) { problems.append("\(what): \(field)") }
            }
            let items = Dictionary((evidence[o.id] ?? []).map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
            for e in o.evidence {
                checked += 1
                let what = "\(name), evidence \(e.number) (\(e.name))"
                guard let item = items[e.number] else {
                    problems.append("\(what): there is no such evidence")
                    continue
                }
                for field in differences(e, AuditPack.item(item)) { problems.append("\(what): \(field)") }
            }
            let ledger = Dictionary((ledgers[o.id] ?? []).map { ($0.stage, $0) }, uniquingKeysWith: { a, _ in a })
            let byStage = Dictionary(
                (notices[o.id] ?? []).compactMap { n in n.stageKey.map { ($0, n) } }, uniquingKeysWith: { a, _ in a })
            for reminder in o.reminders {
                checked += 1
                let what = "\(name), reminder \(reminder.stage)"
                guard let row = ledger[reminder.stage] else {
                    problems.append("\(what): the reminder ledger has no such stage")
                    continue
                }
                var recorded = AuditPack.reminder(row, notice: byStage[row.stage])
                // A delivery still pending when the pack was made may have gone since: compare what it says now only
                // for those that had an outcome then.
                recorded.deliveries = recorded.deliveries.map { d in
                    guard let then = reminder.deliveries.first(where: { $0.receiver == d.receiver }),
                        DeliveryStatus(rawValue: then.status) == .pending
                    else {
                        return d
                    }
                    return then
                }
                if reminder.journal.flatMap(OutboxStatus.init(rawValue:)) == .pending { recorded.journal = reminder.journal }
                for field in differences(reminder, recorded) { problems.append("\(what): \(field)") }
            }
        }
        let now = try r.verifyTrail()
        return PackVerification(checked: checked, problems: problems, chainIntact: now.intact, chainProblem: now.problem)
    }

    /// The day outcomes were computed for: the end of the period, or the day it was made if earlier.
    static func stated(_ pack: AuditPackDocument) -> CivilDate {
        let to = (try? CivilDate(parsing: pack.to)) ?? CivilDate(dayNumber: 0)
        guard let made = try? Instant(parsing: pack.generatedAt), let zone = try? Zone(pack.entity.zone) else { return to }
        return min(to, zone.day(of: made))
    }

    /// The fields whose values differ between what the pack states and what the state gives, as
    /// `closedOn is "2026-03-05" in the pack but "2026-03-04" in the audit trail`.
    static func differences<T: Encodable>(_ stated: T, _ live: T) -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let a = try? JSONSerialization.jsonObject(with: encoder.encode(stated)) as? [String: Any],
            let b = try? JSONSerialization.jsonObject(with: encoder.encode(live)) as? [String: Any]
        else { return ["cannot be compared"] }
        var out: [String] = []
        for key in Set(a.keys).union(b.keys).sorted() {
            let x = a[key].map(text) ?? "absent", y = b[key].map(text) ?? "absent"
            if x != y { out.append("\(key) is \(x) in the pack but \(y) in the state obligd recorded") }
        }
        return out
    }

    private static func text(_ value: Any) -> String {
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed, .withoutEscapingSlashes])
        {
            return String(decoding: data, as: UTF8.self)
        }
        return "\(value)"
    }
}
