import APIModel
import Crypto
import DeadlineKit
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOPosix
import Rules
import Store
import Synchronization
import Telemetry

/// The local JSON API: facts in, obligations out. Every write runs in one transaction with its
/// idempotency record, so a retried request (same `Idempotency-Key`) never writes twice.
package struct APIServer: Sendable {
    /// Where every route reads and writes; the routes never touch SQL themselves.
    package let store: ObligationStore
    /// The configuration in force, read per request so a reload takes effect at the next one.
    package let config: ConfigHolder
    /// The time the routes stamp records with and compute "now" from: the daemon's wall clock, a fixed
    /// one in tests.
    package let clock: @Sendable () -> Instant
    /// Reloads the configuration and recomputes what it changed (`POST /v1/reload`); returns the summary
    /// the route answers with.
    package let reload: @Sendable () async throws -> String
    /// Called after every committed write (wakes the scheduler and delivery).
    package let onWrite: @Sendable () -> Void
    /// The webhook receivers' queues, for health.
    package let receivers: @Sendable () async throws -> [ReceiverQueue]
    /// What the scheduler and delivery count, emitted by `/metrics` after the scrape-time gauges.
    package let metrics: EventMetrics
    /// `http://HOST:PORT` of the read-only TCP listener, when obligd runs one: feed URLs start with it.
    package let feedBaseURL: String?
    /// This node's place in the cluster (standalone on SQLite).
    let node: ClusterNode

    /// A server whose node is standalone, as the API tests run it; the daemon passes its own node.
    package init(
        store: ObligationStore, config: ConfigHolder, clock: @escaping @Sendable () -> Instant,
        reload: @escaping @Sendable () async throws -> String, onWrite: @escaping @Sendable () -> Void = {},
        receivers: @escaping @Sendable () async throws -> [ReceiverQueue] = { [] }, metrics: EventMetrics = EventMetrics(),
        feedBaseURL: String? = nil
    ) {
        self.init(
            store: store, config: config, clock: clock, reload: reload, onWrite: onWrite, receivers: receivers, metrics: metrics,
            feedBaseURL: feedBaseURL, node: ClusterNode(leadership: Leadership(.standalone), leaseSeconds: 0))
    }

    init(
        store: ObligationStore, config: ConfigHolder, clock: @escaping @Sendable () -> Instant,
        reload: @escaping @Sendable () async throws -> String, onWrite: @escaping @Sendable () -> Void,
        receivers: @escaping @Sendable () async throws -> [ReceiverQueue], metrics: EventMetrics, feedBaseURL: String?,
        node: ClusterNode
    ) {
        self.node = node
        self.metrics = metrics
        self.feedBaseURL = feedBaseURL
        self.store = store
        self.config = config
        self.clock = clock
        self.reload = reload
        self.onWrite = onWrite
        self.receivers = receivers
    }

    /// obligd's version: `/v1/health`, the cluster's heartbeats and the calendar feed's PRODID carry it.
    package static let version = "0.1.0"

    /// The API's routes, for the socket server; every error answers as `APIErrorBody`.
    package func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/v1/health") { _, _ in await self.handle { try await self.health() } }
        addFactRoutes(to: router)
        addBackupRoute(to: router)
        addFeedRoutes(to: router)
        addWebAccessRoutes(to: router)
        addMetricsRoute(to: router)
        addCalendarPreviewRoute(to: router)
        addClusterRoute(to: router)
        addEvidenceRoutes(to: router)
        addReportRoutes(to: router)
        router.post("/v1/entities") { req, _ in
            await self.write(req, EntityBody.self, status: .created) { r, b in
                Views.entity(
                    try r.addEntity(id: b.id, name: b.name, zone: b.zone, region: b.region, owner: b.owner, labels: b.labels ?? [:]))
            }
        }
        router.post("/v1/entities/:id/attributes") { req, ctx in
            let id = ctx.parameters.get("id") ?? ""
            return await self.write(req, EntityAttributeBody.self, status: .ok) { r, b in
                let (e, outcome) = try r.setEntityAttribute(id, name: b.attribute, value: b.value)
                return EntityAttributeResult(
                    entity: Views.entity(e),
                    classifications: outcome.classifications.map { Views.classification($0, rule: r.config.rule($0.ruleId)) },
                    opened: try outcome.opened.map { try Views.obligation($0, in: r) },
                    unstated: try outcome.unstated.map { try Views.obligation($0, in: r) })
            }
        }
        router.get("/v1/entities") { _, _ in
            await self.handle { try await self.snapshot { r in try r.entities().map(Views.entity) } }
        }
        router.get("/v1/entities/:id") { _, ctx in
            await self.handle {
                let id = ctx.parameters.get("id") ?? ""
                return try await self.snapshot { r in
                    guard let e = try r.findEntity(id) else { throw StoreError.notFound("entity '\(id)'") }
                    return Views.entity(e)
                }
            }
        }
        router.post("/v1/metrics") { req, _ in
            await self.write(req, MetricReport.self, status: .created) { r, b in
                try Views.fact(
                    try r.reportMetric(
                        entityId: b.entity, metric: b.metric, value: b.value, at: try b.at.map { try start($0, field: "at") }), in: r)
            }
        }
        router.post("/v1/events") { req, _ in
            await self.write(req, EventBody.self, status: .created) { r, b in
                try Views.fact(
                    try r.addEvent(
                        entityId: b.entity, kind: b.kind, at: try b.at.map { try start($0, field: "at") }, ref: b.ref,
                        attributes: b.attributes ?? [:]), in: r)
            }
        }
        router.post("/v1/obligations") { req, _ in
            await self.write(req, CustomObligationBody.self, status: .created) { r, b in
                let roll = try b.roll.map { text -> Roll in
                    guard let v = Roll(rawValue: text) else {
                        throw StoreError.invalid(
                            field: "roll", problem: "'\(text)' is not a roll mode", fix: "use forward, backward or none")
                    }
                    return v
                }
                let period = try parsed("period", b.period) { (t) throws(InputError) in try Period(parsing: t) }
                return try Views.obligation(
                    try r.addCustom(
                        entityId: b.entity, title: b.title, start: try start(b.start, field: "start"), period: period, roll: roll), in: r)
            }
        }
        router.get("/v1/obligations") { req, _ in await self.handle { try await self.list(req) } }
        router.get("/v1/obligations/:id") { req, ctx in
            await self.handle {
                let id = try obligationId(ctx)
                let explain = try queryFlag(req.uri.queryParameters, "explain")
                return try await self.snapshot { r in
                    guard let o = try r.findObligation(id) else { throw StoreError.notFound("obligation \(id)") }
                    let ack = try r.acknowledgements(of: [id])[id]
                    return try Views.obligation(
                        o, in: r, explanation: explain ? try r.explanation(of: o) : nil, acknowledgement: ack, reminders: true)
                }
            }
        }
        router.get("/v1/obligations/:id/history") { _, ctx in
            await self.handle {
                let id = try obligationId(ctx)
                return try await self.snapshot { r in try r.history(of: id).map(Views.audit)
                }
            }
        }
        for (verb, status) in [("done", Obligation.Status.done), ("waive", .waived), ("reopen", .open)] {
            router.post("/v1/obligations/:id/\(verb)") { req, ctx in
                await self.write(req, CloseBody.self, status: .ok) { r, b in
                    let day = try b.date.map { text in try parsed("date", text) { (t) throws(InputError) in try CivilDate(parsing: t) } }
                    let id = try obligationId(ctx)
                    if status == .open, b.evidence != nil || b.reference != nil {
                        throw StoreError.invalid(
                            field: b.evidence != nil ? "evidence" : "reference", problem: "a reopen takes no evidence",
                            fix: "add evidence with done or waive, or later with POST /v1/obligations/\(id)/evidence")
                    }
                    let (o, successor) = try r.close(id, as: status, on: day, note: b.note)
                    // In the same transaction: a file refused (too large) leaves the obligation open.
                    if b.evidence?.isEmpty == false || b.reference != nil {
                        try r.addEvidence(to: id, files: try Self.uploads(b.evidence ?? []), reference: b.reference)
                    }
                    var view = try Views.obligation(o, in: r)
                    view.opened = try successor.map { [try Views.obligation($0, in: r)] }
                    return view
                }
            }
        }
        router.post("/v1/obligations/:id/ack") { req, ctx in
            await self.write(req, AckBody.self, status: .ok) { r, b in
                let until = try b.until.map { text in try parsed("until", text) { (t) throws(InputError) in try CivilDate(parsing: t) } }
                let (o, ack) = try r.acknowledge(try obligationId(ctx), note: b.note, until: until)
                return try Views.obligation(o, in: r, acknowledgement: ack)
            }
        }
        router.post("/v1/import") { req, _ in
            await self.write(req, ImportBody.self, status: .created) { r, b in
                let rows = try b.records.enumerated().map { i, rec in
                    try StoreError.locate("records[\(i)]", suffix: "; nothing of this import was written") { try importRow(rec) }
                }
                let s = try r.importRows(rows)
                return ImportResult(imported: s.imported, duplicates: s.duplicates, opened: s.opened, moved: s.moved)
            }
        }
        router.get("/v1/audit") { req, _ in
            await self.handle {
                let q = req.uri.queryParameters
                let after: Int64 = try queryNumber(q, "after", in: 0...Int64.max, fallback: 0, example: "0")
                let limit = try queryNumber(q, "limit", in: 1...10_000, fallback: 1000, example: "1000")
                return try await self.snapshot { r in
                    try r.auditRows(after: after, limit: limit).map {
                        AuditRecord(
                            id: $0.id ?? 0, at: $0.at, actor: $0.actor, action: $0.action, subject: $0.subject, before: $0.before,
                            after: $0.after, note: $0.note, hash: $0.hash)
                    }
                }
            }
        }
        router.post("/v1/reload") { _, _ in
            await self.handle { ["status": try await self.reload()] }
        }
        return router
    }

    // MARK: Handlers

    func health() async throws -> Health {
        let now = clock().secondsSinceEpoch
        let rules = config.configuration.rules.count
        let receivers = try await self.receivers().map { Views.receiver($0, nowMillis: now * 1000) }
        let (summary, next) = try await snapshot { r in
            let summary = try r.summary()
            return (summary, try summary.next.map { try Views.obligation($0, in: r) })
        }
        let role = node.leadership.role
        let clusterProblem: String? =
            switch role {
            case .disagrees, .unreachable: role.summary
            default: nil
            }
        let healthy = !receivers.contains { $0.state.needsAttention } && clusterProblem == nil
        return Health(
            status: healthy ? .ready : .degraded, version: Self.version,
            openObligations: summary.open, overdue: summary.overdue, nextDue: next, rules: rules, receivers: receivers,
            role: role.name, cluster: clusterProblem)
    }

    func list(_ req: Request) async throws -> [ObligationView] {
        let q = req.uri.queryParameters
        var filter = Recorder.ObligationFilter(status: nil)
        if let e = q["entity"] { filter.entity = String(e) }
        if let s = q["status"], s != "all" {
            guard let status = Obligation.Status(rawValue: String(s)) else {
                throw StoreError.invalid(field: "status", problem: "'\(s)' is not a status", fix: "use open, done, waived, lapsed or all")
            }
            filter.status = status
        }
        if let d = q["dueBefore"] {
            filter.dueBefore = try parsed("dueBefore", String(d)) { (t) throws(InputError) in try CivilDate(parsing: t) }
        }
        filter.limit = try queryNumber(q, "limit", in: 1...Int.max, fallback: filter.limit, example: "100")
        return try await list(filter)
    }

    private func list(_ filter: Recorder.ObligationFilter) async throws -> [ObligationView] {
        try await snapshot { r in
            let list = try r.obligations(matching: filter)
            let acks = try r.acknowledgements(of: list.compactMap(\.id))
            return try list.map { try Views.obligation($0, in: r, acknowledgement: $0.id.flatMap { acks[$0] }) }
        }
    }

    /// Runs `body` on a read-only snapshot under the configuration and clock in force.
    func snapshot<T: Sendable>(_ body: @Sendable @escaping (Recorder) throws -> T) async throws -> T {
        try await store.snapshot(config: config.configuration, now: clock(), body)
    }

    // MARK: Plumbing

    func handle<T: Encodable & Sendable>(_ body: @Sendable () async throws -> T) async -> Response {
        do { return APIError.json(.ok, try await body()) } catch { return APIError.response(for: error) }
    }

    /// Encodes a decoded body in one canonical form: sorted keys, no escaped slashes.
    package static let canonical: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func digest(_ data: some DataProtocol) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// Bodies at least this large are decoded off the event loop.
    static let offloadBodyBytes = 256 << 10

    /// Decodes the body, then runs `body` with a `Recorder` in one idempotent transaction.
    /// - Parameter revealOnce: completes the answer of the request that did the write with what must
    ///   not be kept in its idempotency record (a feed's token); a retry's replayed answer lacks it.
    func write<B: Codable & Sendable, T: Encodable & Sendable>(
        _ req: Request, _: B.Type, status: HTTPResponse.Status, revealOnce: (@Sendable (T) -> T)? = nil,
        _ body: @escaping @Sendable (Recorder, B) throws -> T
    ) async -> Response {
        do {
            try Self.checkContentType(of: req)
            let buffer = try await req.body.collect(upTo: 64 << 20)
            let data = Data(buffer: buffer)
            let key = try Self.idempotencyKey(of: req)
            let actor = try PeerIdentity.actor(of: req)
            // A retry must resend the same request: method, path and the SHA-256 of the body's meaning (the
            // decoded body encoded again with sorted keys), so key order, spacing and escapes do not matter.
            let signature = key == nil ? nil : "\(req.method.rawValue) \(req.uri.path) sha256:"
            let prepare: @Sendable () throws -> (B, String) = {
                if let fast = B.self as? any FastDecodedBody.Type,
                    let (body, canonical) = fast.fastDecode(data, canonical: signature != nil), let decoded = body as? B
                {
                    return (decoded, signature.map { $0 + Self.digest(canonical) } ?? "")
                }
                // No body is `{}` where the type takes that, and otherwise Foundation's "not valid JSON".
                let decoded =
                    data.isEmpty
                    ? try (try? JSONDecoder().decode(B.self, from: Data("{}".utf8))) ?? JSONDecoder().decode(B.self, from: data)
                    : try RequestBody.decode(B.self, from: data)
                let fingerprint = try signature.map { $0 + Self.digest(try Self.canonical.encode(decoded)) } ?? ""
                return (decoded, fingerprint)
            }
            // Concurrency runs on the event loops, so a large body (an import) is decoded and hashed on the
            // blocking pool: other connections on the same loop are not stalled for the tens of milliseconds it takes.
            let (decoded, fingerprint) =
                data.count >= Self.offloadBodyBytes
                ? try await NIOThreadPool.singleton.runIfActive(prepare) : try prepare()
            let config = self.config.configuration
            let now = clock()
            let code = Int(status.code)
            guard key != nil else {
                // No idempotency record to store the response in: the response is encoded after the
                // commit, off the writer's thread, which every concurrent write waits on.
                let value = try await store.transaction(config: config, now: now, actor: actor) { r in try body(r, decoded) }
                onWrite()
                return APIError.raw(status, try APIError.encoder.encode(revealOnce?(value) ?? value))
            }
            let written = Mutex<T?>(nil)
            let result = try await store.transaction(config: config, now: now, actor: actor, idempotencyKey: key, request: fingerprint) {
                recorder in
                let value = try body(recorder, decoded)
                written.withLock { $0 = value }
                return (code, try APIError.encoder.encode(value))
            }
            onWrite()
            if let revealOnce, let value = written.withLock({ $0 }) {
                return APIError.raw(.init(code: result.status), try APIError.encoder.encode(revealOnce(value)))
            }
            return APIError.raw(.init(code: result.status), result.response)
        } catch {
            return APIError.response(for: error)
        }
    }
}

extension APIServer {
    /// A 415 for a POST whose `Content-Type` is not JSON: every body obligd takes is JSON.
    static func checkContentType(of req: Request) throws {
        guard req.method == .post, let type = req.headers[.contentType], !type.lowercased().hasPrefix("application/json") else {
            return
        }
        throw APIFailure(
            status: .unsupportedMediaType,
            body: APIErrorBody(error: "Content-Type \(type) is not JSON", field: "Content-Type", fix: "send Content-Type: application/json")
        )
    }

    /// The `Idempotency-Key` of `req`, nil when it has none, refused when it is outside openapi.yaml's
    /// pattern. Checked for every request (`RouteTable.respond`), so no route takes a key another refuses.
    static func idempotencyKey(of req: Request) throws -> String? {
        guard let key = req.headers[.init("Idempotency-Key")!] else { return nil }
        if !(1...255).contains(key.utf8.count) || key.utf8.contains(where: { $0 < 0x21 || $0 > 0x7e }) {
            // Stored with its request: a key of kilobytes, or one that cannot be told apart when
            // printed, is no key a client means to retry with.
            throw StoreError.invalid(
                field: "Idempotency-Key", problem: "must be 1 to 255 visible ASCII characters (\(key.utf8.count) bytes given)",
                fix: "send a fresh UUID per request, e.g. \(UUID().uuidString.lowercased())")
        }
        return key
    }
}

/// The whole-number query parameter `name` within `range`, `fallback` when it is absent; a 400 naming
/// it (with `example`) otherwise. One check for every route's `limit` and cursor.
func queryNumber<N: FixedWidthInteger & Sendable>(
    _ q: HummingbirdCore.FlatDictionary<Substring, Substring>, _ name: String, in range: ClosedRange<N>, fallback: N, example: String
) throws -> N {
    guard let text = q[Substring(name)] else { return fallback }
    guard let n = N(text), range.contains(n) else {
        let bounds = range.upperBound == .max ? "\(range.lowerBound) or more" : "\(range.lowerBound) to \(range.upperBound)"
        throw StoreError.invalid(field: name, problem: "'\(text)' is not a whole number from \(bounds)", fix: "e.g. \(name)=\(example)")
    }
    return n
}

/// The boolean query parameter `name`: `true` or `false` as openapi.yaml's `type: boolean` says,
/// false when it is absent, and a 400 naming it otherwise (`?all=1` or `?all=AAA` was taken as false).
func queryFlag(_ q: HummingbirdCore.FlatDictionary<Substring, Substring>, _ name: String) throws -> Bool {
    switch q[Substring(name)] {
    case nil, "false"?: return false
    case "true"?: return true
    case let text?:
        throw StoreError.invalid(field: name, problem: "'\(text)' is not true or false", fix: "e.g. \(name)=true")
    }
}

func start(_ text: String, field: String) throws -> Start {
    try parsed(field, text) { (t) throws(InputError) in try Start(parsing: t) }
}

/// Parses one input field, turning a parse failure into a 400 that names the field.
func parsed<T>(_ field: String, _ text: String, _ parse: (String) throws(InputError) -> T) throws -> T {
    do { return try parse(text) } catch {
        throw StoreError.invalid(field: field, problem: "'\(text)' \(error.problem)", fix: "expected \(error.accepted)")
    }
}

func obligationId(_ ctx: BasicRequestContext) throws -> Int64 {
    let text = ctx.parameters.get("id") ?? ""
    guard let id = Int64(text), id > 0 else {
        throw StoreError.invalid(field: "id", problem: "'\(text)' is not an obligation id", fix: "use the number shown by obligctl list")
    }
    return id
}

/// An import record as the Store takes it; `type` decides which fields it needs.
func importRow(_ rec: ImportRecord) throws -> Recorder.ImportRow {
    let at = try rec.at.map { try start($0, field: "at") }
    switch rec.type {
    case "metric":
        guard let metric = rec.metric, let value = rec.value else {
            // Named by the field that is missing (the first, when both are).
            throw StoreError.invalid(
                field: rec.metric == nil ? "metric" : "value", problem: "a metric record needs 'metric' and 'value'", fix: "add them")
        }
        return .metric(entity: rec.entity, metric: metric, value: value, at: at)
    case "event":
        guard let kind = rec.kind else { throw StoreError.invalid(field: "kind", problem: "an event record needs 'kind'", fix: "add it") }
        return .event(entity: rec.entity, kind: kind, at: at, ref: rec.ref, attributes: rec.attributes ?? [:])
    default:
        throw StoreError.invalid(field: "type", problem: "'\(rec.type)' is not a record type", fix: "use metric or event")
    }
}
