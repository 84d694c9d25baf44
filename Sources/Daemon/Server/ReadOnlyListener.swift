import APIModel
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Web

/// The optional TCP listener (`--http-listen HOST:PORT`, off by default) for what cannot reach a Unix
/// socket: Prometheus (`GET /metrics`), calendar clients (`GET /feeds/TOKEN.ics`, the feeds
/// `obligctl feed add` creates) and the officers' web view (`Web`). It has no peer credentials to
/// trust: `/metrics` and the feeds are read-only and anonymous, and every page of the web view needs
/// a signed-in person, its forms a session's CSRF token. Every other path is 404.
struct ReadOnlyListener: Service {
    let api: APIServer
    let address: ListenAddress
    let logger: Logger
    /// The web view's routes, added beside the read-only ones.
    var web: WebView?

    func router() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.get("/metrics") { _, _ in await api.metricsResponse() }
        router.get("/feeds/:file") { _, ctx in
            do {
                // An unknown, revoked or malformed token all look the same.
                guard let feed = try await api.feed(file: ctx.parameters.get("file") ?? "") else {
                    return APIError.json(
                        .notFound, APIErrorBody(error: "no such feed", fix: "ask for a new feed URL (obligctl feed add)"))
                }
                return await api.calendarResponse(entity: feed.entityId)
            } catch {
                return APIError.response(for: error)
            }
        }
        web?.addRoutes(to: router)
        return router
    }

    func run() async throws {
        let router = self.router()
        let routes = RouteTable(router)
        let responder = router.buildResponder()
        let logger = self.logger
        let address = self.address
        let server = try HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ParseErrorResponder(routes: routes)]))
            .buildServer(
                configuration: .init(address: .hostname(address.host, port: address.port), serverName: "obligd"),
                eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                logger: logger,
                responder: { request, responseWriter, channel in
                    let request = Request(head: request.head, body: request.body)
                    let context = WebRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
                    let response = await routes.respond(request, with: responder, context: context)
                    try await responseWriter.write(response: response.head, body: response.body)
                },
                onServerRunning: { channel in
                    let bound = channel.localAddress.map { "\($0)" } ?? "\(address)"
                    logger.notice("TCP listener (metrics, calendar feeds, web view) on \(bound)")
                })
        try await server.run()
    }
}

/// `HOST:PORT` or `[IPv6]:PORT`, as `--http-listen` takes it.
package struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    /// The host or address to bind, without brackets.
    package var host: String
    /// The TCP port; 0 lets the kernel choose one.
    package var port: Int

    /// Parses `HOST:PORT` or `[IPv6]:PORT`; throws `ListenAddressError` naming the accepted forms.
    package init(parsing text: String) throws(ListenAddressError) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port)
        else { throw ListenAddressError(text: text) }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(" ") else { throw ListenAddressError(text: text) }
        self.host = host
        self.port = port
    }

    /// As it was given, with brackets around an IPv6 address.
    package var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    /// The base of the URLs it serves, e.g. `http://127.0.0.1:9464`.
    package var baseURL: String { "http://\(description)" }
}

/// A `--http-listen` value that is not `HOST:PORT`.
package struct ListenAddressError: Error, CustomStringConvertible {
    var text: String
    /// The error as obligd prints it, with an example of what it takes.
    package var description: String {
        "--http-listen '\(text)' is not HOST:PORT; use e.g. 127.0.0.1:9464 or [::1]:9464 (a port from 0 to 65535)"
    }
}
