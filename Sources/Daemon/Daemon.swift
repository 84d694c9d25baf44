import DeadlineKit
import Foundation
import Hummingbird
import Logging
import Rules
import ServiceLifecycle
import Store

/// obligd's wiring: opens the store, loads the configuration, serves the API on a Unix socket and
/// handles signals (SIGTERM/SIGINT graceful stop, SIGHUP reload).
public struct Daemon: Sendable {
    public let paths: DaemonPaths
    public let logger: Logger

    public init(paths: DaemonPaths, logger: Logger) {
        self.paths = paths
        self.logger = logger
    }

    public func run() async throws {
        let notifier = SystemdNotifier()
        try paths.prepare()
        let config: ConfigHolder
        do { config = try ConfigHolder(directory: paths.configDirectory) } catch {
            logger.critical("configuration rejected: \(error.description)")
            throw error
        }
        let store = try ObligationStore(path: paths.databasePath)
        let clock: @Sendable () -> Instant = { Instant(secondsSinceEpoch: Int64(Date().timeIntervalSince1970)) }
        let logger = self.logger
        let reload: @Sendable () async throws -> String = {
            notifier.reloading()
            defer { notifier.notify("READY=1") }
            let fresh = try config.reload()
            let summary = "\(fresh.rules.count) rules, calendars \(fresh.sources.keys.filter { $0.hasPrefix("calendars/") }.count) files"
            logger.notice("configuration reloaded: \(summary)")
            return summary
        }
        let api = APIServer(store: store, config: config, clock: clock, reload: reload)
        let socketPath = paths.socketPath
        let app = Application(
            router: api.router(),
            configuration: .init(address: .unixDomainSocket(path: socketPath), serverName: "obligd"),
            onServerRunning: { _ in
                // Members of the socket's group may use obligctl; others may not.
                chmod(socketPath, 0o660)
                let health = try? await api.health()
                let status = health.map { "\($0.openObligations) open, \($0.overdue) overdue" + ($0.nextDue.map { ", next \($0)" } ?? "") } ?? "ready"
                logger.notice("obligd ready on \(socketPath): \(status)")
                notifier.ready(status: status)
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: app), .init(service: ReloadService(reload: reload, logger: logger))],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        logger.info("obligd starting: state \(paths.stateDirectory), config \(paths.configDirectory ?? "embedded defaults")")
        try await group.run()
        notifier.stopping()
        logger.notice("obligd stopped")
    }
}
