import DeadlineKit
import Foundation
import Hummingbird
import Rules
import Store

/// An entity: who it is, the classifications it is in (and was), its latest metric reports and its
/// events, so an officer sees the facts its deadlines come from.
extension WebView {
    func entityPage(_ req: Request, id: String) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let identity = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        let t = language.phrases
        let config = env.configuration()
        let metrics = config.knownMetrics.sorted()
        let found = try await env.read { r -> (Entity, [ClassificationRecord], [(String, MetricObservationRecord)], [EventRecord], Int)? in
            guard let e = try r.findEntity(id) else { return nil }
            let latest = try metrics.compactMap { m in try r.metricHistory(entity: e.id, metric: m).last.map { (m, $0) } }
            let open = try r.obligationCount(matching: .init(entity: e.id, status: .open))
            return (
                e, try r.classifications(entity: e.id, all: true), latest,
                try r.events(entity: e.id, kind: nil, includeRetracted: false, limit: 100), open
            )
        }
        guard let (entity, classifications, latest, events, open) = found else {
            return Page.message("404", t["notFound"] ?? "", language: language, status: .notFound, who: who(identity, language))
        }
        let zone = try Zone(entity.zone)
        func local(_ seconds: Int64) -> String { Wording.local(Instant(secondsSinceEpoch: seconds), zone: zone) }
        let values: [String: Any] = [
            "pageTitle": entity.name, "who": who(identity, language),
            "e": [
                "id": entity.id, "name": entity.name, "zone": entity.zone, "region": entity.region, "owner": entity.owner ?? "–",
                "open": open, "overview": "/?lang=\(language.rawValue)&entity=\(Self.percent(entity.id))"
            ],
            "classifications": classifications.map { c -> [String: Any] in
                [
                    "rule": config.rule(c.ruleId).map { "\($0.wording(language.rules).title) (\(c.ruleId))" } ?? c.ruleId,
                    "since": c.since.description,
                    "until": c.until?.description ?? "", "active": c.until == nil
                ]
            },
            "metrics": latest.map { m, o -> [String: Any] in
                ["metric": m, "value": String(o.value), "at": local(o.observedAt)]
            },
            "events": events.map { e -> [String: Any] in
                [
                    "kind": e.kind, "at": e.atIsDay ? zone.day(of: Instant(secondsSinceEpoch: e.at)).description : local(e.at),
                    "ref": e.ref ?? ""
                ]
            }
        ]
        return Page.render("entity", values, language: language)
    }
}
