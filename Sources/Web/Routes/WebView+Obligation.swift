import DeadlineKit
import Foundation
import Hummingbird
import Rules
import Store

/// One obligation: what it is, when it is due and why (in words and as month grids), its reminder
/// plan with what was sent, its history with who acted, and, for a writer, the forms to act.
extension WebView {
    func obligationPage(_ req: Request, id text: String) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let identity = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        let t = language.phrases
        guard let id = Int64(text), id > 0 else {
            return Page.message("404", t["notFound"] ?? "", language: language, status: .notFound, who: who(identity, language))
        }
        let now = env.now()
        let config = env.configuration()
        let found = try await env.read {
            r -> (Obligation, Entity, [String], [PlannedReminder], [AuditEntry], Acknowledgement?, [EvidenceItem])? in
            guard let o = try r.findObligation(id) else { return nil }
            return (
                o, try r.entity(o.entityId), try r.explanation(of: o), try r.plannedReminders(of: o), try r.history(of: id),
                try r.acknowledgements(of: [id])[id], try r.evidence(of: id)
            )
        }
        guard let (o, entity, explanation, plan, history, ack, evidence) = found else {
            return Page.message("404", t["notFound"] ?? "", language: language, status: .notFound, who: who(identity, language))
        }
        let zone = try Zone(entity.zone)
        let rule = o.ruleId.flatMap { config.rule($0) }
        let sent = try await env.store.listOutbox(obligation: id, limit: 200)
        var facts: [String: Any] = [
            "id": id, "title": title(of: o, rule: rule, language), "status": o.status.rawValue,
            "statusLabel": t[o.status.rawValue] ?? o.status.rawValue,
            "provisional": o.provisional, "due": o.due.description, "weekday": Wording.weekday(o.due, language: language),
            "left": o.status == .open ? Wording.left(dueInstant: o.dueInstant, now: now, language: language) : "",
            "entity": "\(entity.id) · \(entity.name)", "entityPath": Self.percent(entity.id),
            "rule": rule.map { "\($0.id): \($0.wording(language.rules).title)" } ?? (t["custom"] ?? "custom"),
            "trigger": o.triggerKey.description, "start": o.start.description, "period": o.period.description
        ]
        if let c = rule?.wording(language.rules).citation { facts["citation"] = c }
        if let d = o.closedOn { facts["closedOn"] = d.description }
        if let n = o.closedNote { facts["closedNote"] = n }
        if let ack { facts["ack"] = "\(actorName(ack.actor)): \(ack.note)" + (ack.until.map { " (\(t["until"] ?? "") \($0))" } ?? "") }
        let startDay: CivilDate =
            switch o.start {
            case let .day(d): d
            case let .instant(i): zone.day(of: i)
            }
        let months =
            o.period.unit.isInstant
            ? []
            : MonthGrid.months(
                from: startDay, to: o.due, calendar: config.calendars[entity.region],
                countsWorkingDays: o.period.unit == .workingDays, language: language)
        let values: [String: Any] = [
            "pageTitle": "#\(id) \(title(of: o, rule: rule, language))", "who": who(identity, language), "o": facts,
            "explanation": explanation,
            "months": months, "hasMonths": !months.isEmpty, "countsWorkingDays": o.period.unit == .workingDays,
            "canAct": identity.role.canWrite && o.status == .open, "readOnly": !identity.role.canWrite, "csrf": identity.csrf,
            "today": zone.day(of: now).description,
            "reminders": plan.map { p -> [String: Any] in
                var v: [String: Any] = [
                    "stage": p.stage, "state": p.state.rawValue,
                    "local": Wording.local(p.at, zone: zone) + " " + Wording.weekday(zone.day(of: p.at), language: language),
                    "stateLabel": p.sentAt.map { (t["sent"] ?? "") + " " + Wording.local($0, zone: zone) } ?? (t[p.state.rawValue] ?? "")
                ]
                if let note = p.note { v["note"] = note }
                return v
            },
            "canAddEvidence": identity.role.canWrite && o.status != .open,
            "evidence": evidence.map { e -> [String: Any] in
                var v: [String: Any] = [
                    "number": e.number, "name": e.name, "size": Evidence.size(e.size), "sha256": e.sha256,
                    "at": Wording.local(Instant(secondsSinceEpoch: e.addedAt), zone: zone), "actor": actorName(e.actor),
                    "href": "/obligations/\(id)/evidence/\(e.number)"
                ]
                if let reference = e.reference { v["reference"] = reference }
                return v
            },
            "sent": sent.map { item -> [String: Any] in
                [
                    "at": Wording.local(Instant(secondsSinceEpoch: item.createdAt), zone: zone),
                    "kind": t["kind.\(item.kind)"] ?? item.kind,
                    "receivers": item.deliveries.map { d -> [String: Any] in
                        var v: [String: Any] = [
                            "receiver": d.receiver, "status": d.status.rawValue,
                            "statusLabel": t["delivery.\(d.status.rawValue)"] ?? d.status.rawValue,
                            // Delivery times are kept in milliseconds.
                            "when": (d.deliveredAt ?? d.lastAttemptAt).map {
                                Wording.local(Instant(secondsSinceEpoch: $0 / 1000), zone: zone)
                            }
                                ?? "",
                            "attempts": d.attempts
                        ]
                        // Absent, not empty: a section tag shows its block for any string, "" included.
                        if let e = d.lastError { v["error"] = e }
                        return v
                    },
                    "journalOnly": item.deliveries.isEmpty, "outbox": t["outbox.\(item.status.rawValue)"] ?? item.status.rawValue
                ]
            },
            "history": history.map { a -> [String: Any] in
                [
                    "at": Wording.local(Instant(secondsSinceEpoch: a.at), zone: zone), "actor": actorName(a.actor), "action": a.action,
                    "note": a.note ?? a.after ?? ""
                ]
            }
        ]
        return Page.render("obligation", values, language: language)
    }

    /// An obligation's title in the page's language, as the chat messages say it: the stored title is
    /// English (as its rule said when it opened, or as a person gave it), so a Chinese page takes the
    /// rule's own wording; a custom obligation keeps the title it was given.
    func title(of o: Obligation, rule: Rule?, _ language: WebLanguage) -> String {
        language == .en ? o.title : rule?.wording(language.rules).title ?? o.title
    }

    /// An audit actor as people read it: `web:li.wei` as obligd.json's name for li.wei.
    func actorName(_ actor: String) -> String {
        actor.hasPrefix("web:") ? displayName(String(actor.dropFirst(4))) + " (web)" : actor
    }
}
