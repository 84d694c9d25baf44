import APIModel
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Serves the router on a Unix socket. Hummingbird's `Application` also runs a date-header cache that
/// wakes every second; obligd must not wake while idle, so it runs the server directly and stamps
/// `Date` per response instead.
struct UnixSocketServer: Service {
    let responder: RouterResponder<BasicRequestContext>
    /// Answers requests no route takes (JSON 404 or 405 with Allow).
    let routes: RouteTable
    let path: String
    /// Who may read and write (decided per request from the peer's credentials).
    let access: AccessPolicy
    let logger: Logger
    /// A listening socket systemd passed (socket activation, `obligd.socket`); nil: bind `path`.
    var inherited: Int32? = nil
    let onRunning: @Sendable () async -> Void

    func run() async throws {
        let handler = self.handler()
        let routes = self.routes
        if let inherited {
            try await InheritedSocketServer(fd: inherited, logger: logger, routes: routes).run(handler, onRunning: onRunning)
            return
        }
        let server = try HTTPServerBuilder.http1(configuration: .init(additionalChannelHandlers: [ParseErrorResponder(routes: routes)]))
            .buildServer(
                configuration: .init(address: .unixDomainSocket(path: path), serverName: "obligd"),
                eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
                logger: logger,
                responder: handler,
                onServerRunning: { _ in await onRunning() })
        try await server.run()
    }

    /// Each request: the caller's credentials, its role, the route or a JSON 404/405.
    func handler() -> HTTPChannelHandler.Responder {
        let responder = self.responder
        let routes = self.routes
        let logger = self.logger
        let access = self.access
        return { request, responseWriter, channel in
            // The caller as the kernel knows it; a client's own header of that name is dropped.
            var head = request.head
            let peer = await PeerIdentity.of(channel)
            head.headerFields[.init(PeerIdentity.header)!] = peer?.user
            let request = Request(head: head, body: request.body)
            let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
            let refusal =
                peer.map {
                    access.refusal(
                        of: $0, method: AccessPolicy.isRead(head.method.rawValue, path: head.path) ? "GET" : head.method.rawValue)
                }
                ?? APIErrorBody(error: "the caller's credentials cannot be read", fix: "connect over obligd's Unix socket")
            let response =
                if let refusal {
                    RouteTable.stamped(APIError.json(.forbidden, refusal))
                } else {
                    await routes.respond(request, with: responder, context: context)
                }
            try await responseWriter.write(response: response.head, body: response.body)
        }
    }
}
