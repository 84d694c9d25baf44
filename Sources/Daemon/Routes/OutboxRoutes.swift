import APIModel
import DeadlineKit
import Delivery
import Foundation
import Hummingbird
import Store

/// The outbox and receivers: list what is queued or dead, retry, drop, resume a paused receiver, and
/// send a test message.
struct OutboxRoutes: Sendable {
    let dispatcher: Dispatcher

    func add(to router: Router<BasicRequestContext>, api: APIServer) {
        router.get("/v1/outbox") { req, _ in
            await api.handle {
                let q = req.uri.queryParameters
                let filterText = q["status"].map(String.init) ?? "pending"
                guard let filter = OutboxFilter(rawValue: filterText) else {
                    throw StoreError.invalid(
                        field: "status", problem: "'\(filterText)' is not an outbox filter",
                        fix: "use \(OutboxFilter.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let limit = try queryNumber(q, "limit", in: 1...Int.max, fallback: 100, example: "100")
                let digest = q["digest"].map(String.init)
                return try await dispatcher.listOutbox(filter: filter, digest: digest, limit: limit).map(Self.view)
            }
        }
        router.post("/v1/outbox/:id/retry") { req, ctx in
            await api.handle {
                let body = try await Self.body(req)
                let n = try await dispatcher.retry(
                    outboxId: ctx.parameters.get("id") ?? "", receiver: body.receiver, actor: PeerIdentity.actor(of: req))
                dispatcher.wake()
                return OutboxActionResult(changed: n)
            }
        }
        router.post("/v1/outbox/:id/drop") { req, ctx in
            await api.handle {
                let body = try await Self.body(req)
                guard let reason = body.reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw StoreError.invalid(
                        field: "reason", problem: "dropping a notification needs a reason",
                        fix: "say why, e.g. --reason \"receiver retired\"")
                }
                return OutboxActionResult(
                    changed: try await dispatcher.drop(
                        outboxId: ctx.parameters.get("id") ?? "", receiver: body.receiver,
                        actor: PeerIdentity.actor(of: req), reason: reason))
            }
        }
        router.get("/v1/receivers") { _, _ in
            await api.handle {
                let now = api.clock().secondsSinceEpoch * 1000
                return try await dispatcher.receiverQueues().map { Views.receiver($0, nowMillis: now) }
            }
        }
        router.post("/v1/receivers/:name/resume") { req, ctx in
            await api.handle {
                let q = try await dispatcher.resume(receiver: ctx.parameters.get("name") ?? "", actor: PeerIdentity.actor(of: req))
                return Views.receiver(q, nowMillis: api.clock().secondsSinceEpoch * 1000)
            }
        }
        router.post("/v1/receivers/:name/retry") { req, ctx in
            await api.handle {
                let name = ctx.parameters.get("name") ?? ""
                return OutboxActionResult(changed: try await dispatcher.retryAll(receiver: name, actor: PeerIdentity.actor(of: req)))
            }
        }
        router.post("/v1/receivers/:name/test") { _, ctx in
            await api.handle {
                let r = try await dispatcher.sendTest(receiver: ctx.parameters.get("name") ?? "")
                let verdict: String
                switch r.verdict {
                case .delivered: verdict = "delivered"
                case let .retry(_, reason): verdict = "retryable failure: \(reason)"
                case let .pause(reason): verdict = "receiver misconfigured (it would be paused): \(reason)"
                case let .failed(reason): verdict = "failed: \(reason)"
                }
                return TestSendView(
                    receiver: r.receiver, delivered: r.delivered, httpStatus: r.httpStatus, answer: r.answer,
                    verdict: verdict, milliseconds: r.milliseconds)
            }
        }
    }

    static func body(_ req: Request) async throws -> OutboxActionBody {
        let data = Data(try await req.body.collect(upTo: 1 << 20).readableBytesView)
        if data.isEmpty { return OutboxActionBody() }
        return try RequestBody.decode(OutboxActionBody.self, from: data)
    }

    static func ms(_ v: Int64?) -> String? { v.map { Instant(secondsSinceEpoch: $0 / 1000).description } }

    static func view(_ o: OutboxItem) -> OutboxView {
        OutboxView(
            id: o.id, createdAt: Instant(secondsSinceEpoch: o.createdAt).description, kind: o.kind, obligation: o.obligationId,
            status: o.status.rawValue, lastError: o.lastError,
            deliveries: o.deliveries.map { d in
                DeliveryView(
                    receiver: d.receiver, status: d.status.rawValue, attempts: d.attempts, lastError: d.lastError,
                    lastHTTPStatus: d.lastHTTPStatus, nextAttemptAt: d.status == .pending ? ms(d.nextAttemptAt) : nil,
                    deliveredAt: ms(d.deliveredAt))
            })
    }
}
