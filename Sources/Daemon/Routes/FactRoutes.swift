import APIModel
import Hummingbird
import Store

/// Reading and correcting recorded facts (the event list, a metric's history, retraction) and what
/// they give besides deadlines: classifications and retention.
extension APIServer {
    func addFactRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/events") { req, _ in
            await self.handle {
                let q = req.uri.queryParameters
                let entity = q["entity"].map(String.init), kind = q["kind"].map(String.init)
                let all = try queryFlag(q, "all")
                let limit = try queryNumber(q, "limit", in: 1...100_000, fallback: 10_000, example: "1000")
                return try await self.snapshot { r in
                    try r.events(entity: entity, kind: kind, includeRetracted: all, limit: limit).map { try Views.event($0, in: r) }
                }
            }
        }
        router.get("/v1/metrics") { req, _ in
            await self.handle {
                let q = req.uri.queryParameters
                guard let entity = q["entity"].map(String.init), let metric = q["metric"].map(String.init) else {
                    throw StoreError.invalid(
                        field: q["entity"] == nil ? "entity" : "metric", problem: "is required",
                        fix: "e.g. /v1/metrics?entity=acme&metric=facial_recognition_individuals")
                }
                return try await self.snapshot { r in
                    try r.metricHistory(entity: entity, metric: metric).map { try Views.report($0, in: r) }
                }
            }
        }
        router.get("/v1/classifications") { req, _ in
            await self.handle {
                let q = req.uri.queryParameters
                let entity = q["entity"].map(String.init), all = try queryFlag(q, "all")
                let config = self.config.configuration
                return try await self.snapshot { r in
                    try r.classifications(entity: entity, all: all).map { Views.classification($0, rule: config.rule($0.ruleId)) }
                }
            }
        }
        router.get("/v1/retention") { req, _ in
            await self.handle {
                let entity = req.uri.queryParameters["entity"].map(String.init)
                let config = self.config.configuration
                return try await self.snapshot { r in
                    try r.retention(entity: entity).map { k in
                        let rule = config.rule(k.rule)
                        return RetentionView(
                            entity: k.entity, rule: k.rule, title: rule?.title ?? k.rule, event: k.event, from: k.from.description,
                            keepUntil: k.keepUntil.description, citation: rule?.citation ?? "")
                    }
                }
            }
        }
        for (path, fact) in [("events", Recorder.FactID.event), ("metrics", Recorder.FactID.metric)] {
            router.post("/v1/\(path)/:id/retract") { req, ctx in
                let text = ctx.parameters.get("id") ?? ""
                guard let id = Int64(text), id > 0 else {
                    return APIError.response(
                        for: StoreError.invalid(
                            field: "id", problem: "'\(text)' is not a \(path == "events" ? "event" : "report") id",
                            fix: "use the number shown by obligctl \(path == "events" ? "event list" : "metric history")"))
                }
                return await self.write(req, RetractBody.self, status: .ok) { r, b in
                    try Views.fact(try r.retract(fact(id), reason: b.reason), in: r)
                }
            }
        }
    }
}
