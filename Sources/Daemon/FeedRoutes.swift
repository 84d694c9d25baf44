import Foundation
import Hummingbird
import NIOCore
import Store

/// `GET /v1/calendar.ics`: the open obligations (of one entity with `entity=`) as iCalendar.
extension APIServer {
    func addFeedRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/calendar.ics") { req, _ in
            do {
                let entity = req.uri.queryParameters["entity"].map(String.init)
                let config = self.config.configuration
                let now = self.clock()
                let text = try await self.snapshot { r in
                    let open = try r.obligations(matching: .init(entity: entity, status: .open, limit: 100_000))
                    let items: [CalendarFeed.Item] = try open.map { o in
                        (o, try r.entity(o.entityId), try r.stagesUntilDue(of: o), try r.revision(of: o))
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
    }
}
