import APIModel
import DeadlineKit
import Hummingbird

/// The status page: what `GET /v1/health` reports, for the officer who wonders why a reminder did not
/// arrive: whether obligd is ready, which receivers are paused, failing or hold dead letters (and why),
/// the queues, the cluster role and what ends next. Readers and writers see the same page; it changes
/// nothing (retrying a receiver stays an operator's `obligctl outbox retry`).
extension WebView {
    func statusPage(_ req: Request) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let identity = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        let t = language.phrases
        guard let health = try await env.health() else {
            return Page.message(
                t["statusTitle"] ?? "", t["statusUnknown"] ?? "", language: language, status: .serviceUnavailable,
                who: who(identity, language))
        }
        var values: [String: Any] = [
            "pageTitle": t["statusTitle"] ?? "", "who": who(identity, language),
            "ready": health.status == .ready,
            "statusLabel": t["health.\(health.status.rawValue)"] ?? health.status.rawValue,
            "version": health.version, "role": t["role.\(health.role ?? "standalone")"] ?? health.role ?? "",
            "open": health.openObligations, "overdue": health.overdue, "rules": health.rules,
            "problems": health.receiverProblems,
            "receivers": health.receivers.map { r -> [String: Any] in
                // Absent, not empty: a section tag shows its block for any string, "" included.
                var v: [String: Any] = [
                    "name": r.name, "state": r.state.rawValue, "stateLabel": t["receiver.\(r.state.rawValue)"] ?? r.state.rawValue,
                    "pending": r.pending,
                    "oldest": r.oldestPendingAgeSeconds.map { Wording.age(seconds: $0, language: language) } ?? "–",
                    "dead": r.dead, "since": r.since ?? "", "error": r.lastError ?? ""
                ]
                if let probe = r.nextProbeAt { v["probe"] = probe }
                return v
            }
        ]
        if let cluster = health.cluster { values["cluster"] = cluster }
        if let next = health.nextDue {
            values["next"] = ["id": next.id, "title": next.title, "due": next.due, "entity": next.entity]
        }
        return Page.render("status", values, language: language)
    }
}
