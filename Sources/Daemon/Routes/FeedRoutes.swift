import APIModel
import Crypto
import DeadlineKit
import Foundation
import Hummingbird
import NIOCore
import Store
import Web

/// The calendar feed: `GET /v1/calendar.ics` on the socket, and feeds at token URLs for the read-only
/// TCP listener, managed here (`POST /v1/feeds`, `GET /v1/feeds`, `POST /v1/feeds/:id/revoke`).
extension APIServer {
    func addFeedRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/calendar.ics") { req, _ in
            await self.calendarResponse(entity: req.uri.queryParameters["entity"].map(String.init))
        }
        router.post("/v1/feeds") { req, _ in
            // The token goes only to this caller: the idempotency record keeps the answer without it.
            let token = SecretToken.make()
            let reveal: @Sendable (FeedView) -> FeedView = { view in
                var view = view
                view.token = token
                view.path = "/feeds/\(token).ics"
                view.url = self.feedBaseURL.map { $0 + "/feeds/\(token).ics" }
                return view
            }
            return await self.write(req, FeedBody.self, status: .created, revealOnce: reveal) { r, b in
                Self.feedView(try r.addFeed(label: b.label, entity: b.entity, tokenHash: SecretToken.hash(token)))
            }
        }
        router.get("/v1/feeds") { _, _ in
            await self.handle { try await self.snapshot { r in try r.feeds().map(Self.feedView) } }
        }
        router.post("/v1/feeds/:id/revoke") { req, ctx in
            await self.write(req, NoBody.self, status: .ok) { r, _ in
                let text = ctx.parameters.get("id") ?? ""
                guard let id = Int64(text), id > 0 else {
                    throw StoreError.invalid(field: "id", problem: "'\(text)' is not a feed id", fix: "use the id obligctl feed list shows")
                }
                return Self.feedView(try r.revokeFeed(id))
            }
        }
    }

    /// The open obligations (of `entity`, if given) as an iCalendar response, with the lapsed ones as
    /// cancelled events, so a calendar that showed a renewal takes it off when the certificate lapses.
    func calendarResponse(entity: String?) async -> Response {
        do {
            let config = self.config.configuration
            let now = self.clock()
            let text = try await self.snapshot { r in
                let open = try r.obligations(matching: .init(entity: entity, status: .open, limit: 100_000))
                let lapsed = try r.obligations(matching: .init(entity: entity, status: .lapsed, limit: 100_000))
                let items: [CalendarFeed.Item] = try (open + lapsed).map { o in
                    (o, try r.entity(o.entityId), o.status == .open ? try r.stagesUntilDue(of: o) : [], try r.revision(of: o))
                }
                return CalendarFeed.render(items, config: config, now: now)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/calendar; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        } catch {
            return APIError.response(for: error)
        }
    }

    /// The feed a token URL's last path component (`TOKEN.ics`) names, nil when none is live.
    func feed(file: String) async throws -> Feed? {
        guard file.hasSuffix(".ics") else { return nil }
        let hash = SecretToken.hash(String(file.dropLast(4)))
        return try await snapshot { r in try r.feed(tokenHash: hash) }
    }

    static func feedView(_ f: Feed) -> FeedView {
        let iso = { (s: Int64) in Instant(secondsSinceEpoch: s).description }
        return FeedView(
            id: f.id ?? 0, label: f.label, entity: f.entityId, createdAt: iso(f.createdAt), createdBy: f.createdBy,
            revokedAt: f.revokedAt.map(iso))
    }
}

/// A request that takes no fields (`{}` or nothing).
struct NoBody: Codable, Sendable {}
