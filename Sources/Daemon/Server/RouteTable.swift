import APIModel
import Foundation
import Hummingbird

/// The routes the API serves, so a request no route takes gets a JSON answer that says why: 405 with
/// `Allow` when the path exists under other methods, else 404 naming the path (Hummingbird answers
/// both with an empty 404).
struct RouteTable: Sendable {
    private let routes: [(pattern: [Substring], method: String)]

    init<Context: RequestContext>(_ router: Router<Context>) {
        routes = router.routes.map { (String(describing: $0.path).split(separator: "/"), $0.method.rawValue) }
    }

    /// The methods that `path` is served with, sorted; empty when no route has that path.
    func methods(for path: String) -> [String] {
        let parts = path.split(separator: "?", maxSplits: 1).first.map { $0.split(separator: "/") } ?? []
        return Array(Set(routes.filter { Self.matches($0.pattern, parts) }.map(\.method))).sorted()
    }

    /// Whether a route's pattern takes a path's segments: a parameter takes any segment.
    private static func matches(_ pattern: [Substring], _ parts: [Substring]) -> Bool {
        pattern.count == parts.count && zip(pattern, parts).allSatisfy { $0.hasPrefix(":") || $0.hasPrefix("{") || $0 == $1 }
    }

    /// The route that takes `request`, as openapi.yaml names it ("GET /v1/obligations/{id}"); nil
    /// when none does. A literal segment wins over a parameter, as in the router.
    func route(of request: Request) -> String? {
        let method = request.method.rawValue
        let parts = request.uri.path.split(separator: "/")
        let matching = routes.filter { $0.method == method && Self.matches($0.pattern, parts) }
        guard let best = matching.max(by: { literals($0.pattern) < literals($1.pattern) }) else { return nil }
        let path = best.pattern.map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
        return "\(method) /" + path.joined(separator: "/")
    }

    private func literals(_ pattern: [Substring]) -> Int {
        pattern.filter { !$0.hasPrefix(":") && !$0.hasPrefix("{") }.count
    }

    /// The answer to a request no route took.
    func unrouted(_ request: Request) -> Response {
        let allowed = methods(for: request.uri.path)
        if allowed.isEmpty {
            return APIError.json(
                .notFound,
                APIErrorBody(
                    error: "no route \(request.method.rawValue) \(request.uri.path)", field: "path",
                    fix: "see openapi.yaml or 'obligctl help' for the routes"))
        }
        var response = APIError.json(
            .methodNotAllowed,
            APIErrorBody(
                error: "\(request.uri.path) does not take \(request.method.rawValue)", field: "method",
                fix: "use \(allowed.joined(separator: " or "))"))
        response.headers[.allow] = allowed.joined(separator: ", ")
        return response
    }

    /// The answer of `responder` to `request`, as both of obligd's servers give it: a request no route
    /// takes gets `unrouted`, an error its JSON answer, and every answer is stamped (`stamped`).
    func respond<Context: RequestContext>(
        _ request: Request, with responder: RouterResponder<Context>, context: Context
    ) async -> Response {
        // Only a request with a query is looked up (reports and imports have none).
        if request.uri.query?.isEmpty == false, let route = route(of: request),
            let refusal = QueryParameters.refusal(request, route: route)
        {
            return Self.stamped(refusal)
        }
        var response: Response
        do {
            // The headers openapi.yaml bounds, on every route of the API alike (the backup route once
            // took any). The web view's forms are HTML forms, checked by the web view itself.
            if request.uri.path.hasPrefix("/v1/") {
                try APIServer.checkContentType(of: request)
                _ = try APIServer.idempotencyKey(of: request)
                _ = try PeerIdentity.actor(of: request)
            }
            response = try await responder.respond(to: request, context: context)
        } catch let e as HTTPError where e.status == .notFound {
            response = unrouted(request)
        } catch {
            response = APIError.response(for: error)
        }
        if response.status == .notFound, response.headers[.contentType] == nil { response = unrouted(request) }
        return Self.stamped(response)
    }

    /// `Date` and `Server` on an answer. obligd runs Hummingbird's server without its date cache, which
    /// would wake it every second, so the date is stamped per response.
    static func stamped(_ response: Response) -> Response {
        var response = response
        response.headers[.date] = imfFixdate(Date())
        response.headers[.server] = "obligd"
        return response
    }

    /// `date` as HTTP's `Date` header takes it, IMF-fixdate (RFC 9110 §5.6.7), e.g.
    /// `Sun, 06 Nov 1994 08:49:37 GMT`: English names and GMT whatever the locale, never ISO 8601.
    static func imfFixdate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(t.tm_wday)]), \(two(t.tm_mday)) \(months[Int(t.tm_mon)]) \(t.tm_year + 1900) "
            + "\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) GMT"
    }
}
