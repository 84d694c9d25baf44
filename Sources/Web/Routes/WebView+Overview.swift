import DeadlineKit
import Foundation
import Hummingbird
import Rules
import Store

/// The overview: what is overdue, due within 7 and 30 days, and later, soonest first, with filters by
/// entity, rule and status, 100 to a page (a page of 10,000 open obligations renders only its own).
extension WebView {
    static let pageSize = 100

    /// The sections of the overview of open obligations, by how soon they end.
    enum Section: String, CaseIterable {
        case overdue, week, month, later

        /// The span of `dueInstant` the section holds, relative to `now` (epoch seconds).
        func span(now: Int64) -> (after: Int64?, atOrBefore: Int64?) {
            switch self {
            case .overdue: (nil, now)
            case .week: (now, now + 7 * 86_400)
            case .month: (now + 7 * 86_400, now + 30 * 86_400)
            case .later: (now + 30 * 86_400, nil)
            }
        }
    }

    func overview(_ req: Request) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let identity = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        let t = language.phrases
        let q = req.uri.queryParameters
        let entity = q["entity"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let rule = q["rule"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let statusText = q["status"].map(String.init) ?? "open"
        let status: Obligation.Status? = statusText == "all" ? nil : Obligation.Status(rawValue: statusText) ?? .open
        let page = max(1, q["page"].flatMap { Int($0) } ?? 1)
        let now = env.now()
        let config = env.configuration()
        let seconds = now.secondsSinceEpoch
        let data = try await env.read { r in
            let entities = try r.entities()
            // An unknown entity in the filter lists nothing rather than failing the page.
            let known = entity.map { e in entities.contains { $0.id == e } } ?? true
            var filter = Recorder.ObligationFilter(entity: known ? entity : nil, status: status, limit: Self.pageSize)
            filter.rule = rule
            var counts: [(Section, Int)] = []
            if status == .open, known {
                for s in Section.allCases {
                    var f = filter
                    (f.dueAfter, f.dueAtOrBefore) = s.span(now: seconds)
                    counts.append((s, try r.obligationCount(matching: f)))
                }
            }
            let total = known ? try r.obligationCount(matching: filter) : 0
            filter.offset = (page - 1) * Self.pageSize
            let rows = known ? try r.obligations(matching: filter) : []
            let acks = try r.acknowledgements(of: rows.compactMap(\.id))
            let zones = try Dictionary(uniqueKeysWithValues: entities.map { ($0.id, try r.zone(ofEntity: $0.id)) })
            return (entities, counts, total, rows, acks, zones)
        }
        let (entities, counts, total, rows, acks, zones) = data
        func row(_ o: Obligation) -> [String: Any] {
            var v: [String: Any] = [
                "id": o.id ?? 0, "entity": o.entityId, "entityPath": Self.percent(o.entityId), "title": o.title, "due": o.due.description,
                "weekday": Wording.weekday(o.due, language: language), "provisional": o.provisional,
                "left": o.status == .open
                    ? Wording.left(dueInstant: o.dueInstant, now: now, language: language) : (t[o.status.rawValue] ?? ""),
                "next": o.nextReminderAt.flatMap { at in zones[o.entityId].map { Wording.local(Instant(secondsSinceEpoch: at), zone: $0) } }
                    ?? "–"
            ]
            if let id = o.id, let a = acks[id] {
                v["ack"] = displayName(a.actor.hasPrefix("web:") ? String(a.actor.dropFirst(4)) : a.actor)
            }
            return v
        }
        var sections: [[String: Any]] = []
        if status == .open {
            for s in Section.allCases {
                let span = s.span(now: seconds)
                let members = rows.filter { o in
                    (span.after.map { o.dueInstant > $0 } ?? true) && (span.atOrBefore.map { o.dueInstant <= $0 } ?? true)
                }
                guard !members.isEmpty else { continue }
                let count = counts.first { $0.0 == s }?.1 ?? members.count
                sections.append(["key": s.rawValue, "label": t[s.rawValue] ?? s.rawValue, "count": count, "rows": members.map(row)])
            }
        } else if !rows.isEmpty {
            sections.append(["key": "closed", "label": t[statusText] ?? t["all"] ?? "", "count": total, "rows": rows.map(row)])
        }
        let pages = max(1, (total + Self.pageSize - 1) / Self.pageSize)
        func link(_ p: Int) -> String {
            var parts = ["lang=\(language.rawValue)", "page=\(p)", "status=\(statusText)"]
            if let entity { parts.append("entity=\(Self.percent(entity))") }
            if let rule { parts.append("rule=\(Self.percent(rule))") }
            return "/?" + parts.joined(separator: "&")
        }
        var values: [String: Any] = [
            "pageTitle": t["overview"] ?? "", "who": who(identity, language), "sections": sections, "page": page, "pages": pages,
            "entities": entities.map { ["id": $0.id, "label": "\($0.id) · \($0.name)", "selected": $0.id == entity] },
            "rules": config.rules.map { ["id": $0.id, "label": $0.id, "selected": $0.id == rule] }
                + [["id": "custom", "label": t["custom"] ?? "custom", "selected": rule == "custom"]],
            "statuses": ["open", "done", "waived", "lapsed", "all"].map { ["id": $0, "label": t[$0] ?? $0, "selected": $0 == statusText] },
            "counts": counts.map { ["key": $0.0.rawValue, "label": t[$0.0.rawValue] ?? "", "n": $0.1] }
        ]
        if page > 1 { values["previous"] = link(page - 1) }
        if page < pages { values["nextPage"] = link(page + 1) }
        return Page.render("overview", values, language: language)
    }

    /// `text` made safe for a query string.
    static func percent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? ""
    }
}
