import Foundation
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// Serves HTTP/1.1 on a listening socket obligd did not bind: the one systemd passes under socket
/// activation (`obligd.socket`). Hummingbird's server binds only by address or path, so this runs the
/// same child channel (`HTTP1Channel`) on NIO's bootstrap for an existing socket, and on graceful
/// shutdown stops accepting and lets the requests in flight finish (NIO's quiescing helper closes
/// idle keep-alive connections), as Hummingbird's server does.
struct InheritedSocketServer {
    let fd: Int32
    let logger: Logger
    /// The API's routes, for the answer to a CONNECT (`ParseErrorResponder`).
    var routes: RouteTable?

    /// `sd_listen_fds`: the first socket systemd passed to this process, nil when none.
    /// `LISTEN_*` is removed so no child process takes the socket for its own.
    static func fromSystemd(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32? {
        guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
            let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1
        else { return nil }
        for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] { unsetenv(name) }
        return 3  // SD_LISTEN_FDS_START
    }

    /// The path a Unix socket is bound to, nil for another kind.
    static func path(of fd: Int32) -> String? {
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok, address.sun_family == sa_family_t(AF_UNIX) else { return nil }
        let path = withUnsafeBytes(of: address.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return path.isEmpty ? nil : path
    }

    func run(_ responder: @escaping HTTPChannelHandler.Responder, onRunning: @Sendable () async -> Void) async throws {
        let routes = self.routes
        let child = HTTP1Channel(
            responder: responder, configuration: .init(additionalChannelHandlers: [ParseErrorResponder(routes: routes)]))
        let group = MultiThreadedEventLoopGroup.singleton
        let quiescing = ServerQuiescingHelper(group: group)
        let logger = self.logger
        let server = try await ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .bind(fd) { channel in child.setup(channel: channel, logger: logger) }
        await onRunning()
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { tasks in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        tasks.addTask { await child.handle(value: connection, logger: logger) }
                    }
                }
            }
        } onGracefulShutdown: {
            quiescing.initiateShutdown(promise: nil)
        }
    }
}
