import APIModel
import DeadlineKit
import Delivery
import Foundation
import Hummingbird
import Logging
import Rules
import Scheduler
import ServiceLifecycle
import Store
import Synchronization
import Telemetry
import Web

/// obligd's wiring: opens the store, loads the configuration, serves the API on a Unix socket and
/// handles signals (SIGTERM/SIGINT graceful stop, SIGHUP reload).
package struct Daemon: Sendable {
    /// The state directory, the socket and the configuration directory it runs with.
    package let paths: DaemonPaths
    /// Where obligd logs (the journal under systemd); notices go to `journal`, not here.
    package let logger: Logger
    /// The read-only TCP listener's address (`--http-listen`); nil: none.
    package let httpListen: ListenAddress?
    /// Where the notices are journaled (the journal, or text or JSON lines, as the log goes).
    package let journal: JournalWriter
    /// The PostgreSQL server holding the state (`--database`); nil: the one obligd.json names, if any,
    /// else SQLite in the state directory.
    package let database: DatabaseOption?
    /// `--database-password-file` and `--lease-seconds`, for a server named in obligd.json.
    package let databaseFlags: DatabaseOption.Flags

    /// Builds the daemon; nothing is opened until `run`.
    package init(
        paths: DaemonPaths, logger: Logger, httpListen: ListenAddress? = nil, journal: JournalWriter = JournalWriter(),
        database: DatabaseOption? = nil, databaseFlags: DatabaseOption.Flags = .init()
    ) {
        self.database = database
        self.databaseFlags = databaseFlags
        self.paths = paths
        self.logger = logger
        self.httpListen = httpListen
        self.journal = journal
    }

    /// Runs obligd until SIGTERM or SIGINT: takes the state lock, loads the configuration (refusing to
    /// start on a bad one), opens the store, catches up on changes made while stopped, then serves and
    /// schedules; throws, naming what to fix, when it cannot start.
    package func run() async throws {
        let notifier = SystemdNotifier()
        try paths.prepare()
        // One obligd per state and per socket, checked before anything is opened or bound.
        let lock = try StateLock(directory: paths.stateDirectory)
        // Under socket activation (obligd.socket) systemd owns the socket and has bound it already.
        let inherited = InheritedSocketServer.fromSystemd()
        if inherited == nil { try ensureSocketIsFree(paths.socketPath) }
        // The socket is created without access for others (no window before the chmod to 0660 below);
        // files obligd creates get no access for others either.
        umask(0o007)
        let config: ConfigHolder
        do {
            config = try ConfigHolder(directory: paths.configDirectory) { (c) throws(ConfigError) in
                _ = try DeliveryConfiguration.load(c)
                _ = try TemplateSet.load(from: c)
                _ = try AccessPolicy.load(c)
                _ = try WebSettings.load(c)
                // The section is checked only where it is used (no --database, no OBLIGD_DATABASE);
                // its password file is read once, below.
                if self.database == nil { _ = try DatabaseOption.load(c, flags: self.databaseFlags, readingPassword: false) }
            }
        } catch {
            logger.critical("configuration rejected: \(error.description)")
            throw error
        }
        // Read at start: a changed "access" or "database" takes effect when obligd restarts.
        let access = try AccessPolicy.load(config.configuration)
        let database = try self.database ?? DatabaseOption.load(config.configuration, flags: databaseFlags)
        let store = try await openStore(paths, database, logger: logger)
        // What only the leader runs (the scheduler, delivery's own writes, recomputation) writes through
        // the leader's view: on PostgreSQL each of those writes passes the lease's fence.
        let leaderStore = store.forLeader()
        let leadership = Leadership(database == nil ? .standalone : .unreachable(reason: "not connected yet"))
        let fingerprint: @Sendable () -> String = { ConfigFingerprint.of(config.configuration) }
        let wallClock = try WallClock()
        let clock: @Sendable () -> Instant = { wallClock.now() }
        let logger = self.logger
        let watchdog = ProcessInfo.processInfo.environment["WATCHDOG_USEC"].flatMap(Int64.init).map { max($0 / 2_000_000, 1) }
        let ping: @Sendable () -> Void = { notifier.notify("WATCHDOG=1") }
        let heartbeat: (@Sendable () -> Void)? = watchdog == nil ? nil : ping
        let currentConfig: @Sendable () -> Rules.Configuration = { config.configuration }
        // The status line systemd shows: counts, and every receiver that is not delivering.
        let statusBox = StatusBox()
        let metrics = EventMetrics()
        let dispatcher = Dispatcher(
            store: store, configuration: currentConfig, journal: journal, logger: Logger(label: "obligd.delivery"), metrics: metrics,
            onReceiverChange: { statusBox.refresh() })
        let scheduler = ReminderScheduler(
            store: leaderStore, configuration: currentConfig, clock: wallClock, logger: logger,
            heartbeat: heartbeat, heartbeatIntervalSeconds: watchdog, metrics: metrics,
            onSent: { _ in dispatcher.wake() })
        // A pass that re-derives or moves many obligations can outlast TimeoutStartSec at start (and the
        // reload timeout): each progress report extends it by 30 s and says how far it got.
        let recompute = Recomputation(store: leaderStore, logger: logger) { text in
            notifier.notify("EXTEND_TIMEOUT_USEC=30000000\nSTATUS=\(text)")
        }
        // Changes made while obligd was stopped (an upgrade with a new calendar year, an edited rule
        // pack) are applied before any reminder fires.
        let timer = ContinuousClock()
        let catchUp: @Sendable (String) async throws -> Void = { actor in
            let began = timer.now
            let r = try await recompute.run(config: config.configuration, previous: nil, now: clock(), actor: actor)
            metrics.recomputed(in: timer.now - began)
            if r.examined > 0 || !r.rulesChanged.isEmpty || r.underived > 0 {
                logger.notice(
                    "configuration changed since the last run: \(r.moved) obligations moved, \(r.confirmed) confirmed; rules new or changed: \(r.rulesChanged.joined(separator: ", ")) (\(r.ruleOpened) opened, \(r.ruleMoved) moved); \(r.underived) no longer given by the facts"
                )
            }
        }
        // On PostgreSQL: take the lease now if no node leads, so a leader catches up before it serves.
        let leaseService = database.map { db in
            LeadershipService(
                store: store, leadership: leadership,
                node: .init(name: DatabaseOption.nodeName, version: APIServer.version, fingerprint: "", role: ""),
                ttlSeconds: db.leaseSeconds, fingerprint: fingerprint, logger: logger, onChange: { statusBox.refresh() })
        }
        await leaseService?.step()
        let ledAtStart = leadership.role.isLeading
        if ledAtStart { try await catchUp("start") }
        let reload: @Sendable () async throws -> String = {
            notifier.reloading()
            defer { notifier.notify("READY=1") }
            let previous = config.configuration
            let fresh = try config.reload()
            await dispatcher.reload()
            guard leadership.role.isLeading else {
                let summary = "\(fresh.rules.count) rules (fingerprint \(fingerprint())); the leader recomputes obligations"
                logger.notice("configuration reloaded: \(summary)")
                notifier.status("reloaded: \(summary)")
                return summary
            }
            let began = timer.now
            let r = try await recompute.run(config: fresh, previous: previous, now: clock(), actor: "reload")
            metrics.recomputed(in: timer.now - began)
            scheduler.wake()
            dispatcher.wake()
            var summary =
                "\(fresh.rules.count) rules; \(r.examined) open obligations recomputed, \(r.moved) moved, \(r.confirmed) confirmed"
            if !r.rulesChanged.isEmpty {
                summary +=
                    "; rules new or changed: \(r.rulesChanged.joined(separator: ", ")) (\(r.ruleOpened) obligations opened, \(r.ruleMoved) moved)"
            }
            if r.underived > 0 {
                summary += "; \(r.underived) open obligations no longer given by the facts (left open, see obligctl history)"
            }
            logger.notice("configuration reloaded: \(summary)")
            notifier.status("reloaded: \(summary)")
            return summary
        }
        let api = APIServer(
            store: store, config: config, clock: clock, reload: reload,
            onWrite: {
                scheduler.wake()
                dispatcher.wake()
            },
            receivers: { try await dispatcher.receiverQueues() }, metrics: metrics, feedBaseURL: httpListen?.baseURL,
            node: ClusterNode(leadership: leadership, leaseSeconds: database?.leaseSeconds ?? 0))
        statusBox.set {
            guard let h = try? await api.health() else { return }
            notifier.status(Self.statusText(h, leadership.role))
        }
        let router = api.router()
        OutboxRoutes(dispatcher: dispatcher).add(to: router, api: api)
        let socketPath = inherited.flatMap(InheritedSocketServer.path(of:)) ?? paths.socketPath
        let app = UnixSocketServer(
            responder: router.buildResponder(), routes: RouteTable(router), path: socketPath, access: access, logger: logger,
            inherited: inherited
        ) {
            // Members of the socket's group may use obligctl, and with a readers group anyone may connect;
            // either way each request is then allowed or refused by the caller's credentials (AccessPolicy).
            chmod(socketPath, access.socketMode)
            let health = try? await api.health()
            let status = health.map { Self.statusText($0, leadership.role) } ?? "ready"
            logger.notice("obligd ready on \(socketPath)\(inherited == nil ? "" : " (from systemd)"): \(status)")
            notifier.ready(status: status)
        }
        // The web view rides on the TCP listener: its pages need a signed-in person, /metrics and the
        // feeds stay anonymous and read-only.
        let web = WebView(
            environment: WebEnvironment(
                store: store, configuration: { config.configuration }, now: clock,
                afterWrite: {
                    scheduler.wake()
                    dispatcher.wake()
                },
                health: { try await api.health() }))
        let listener = httpListen.map { ReadOnlyListener(api: api, address: $0, logger: logger, web: web) }
        let group = ServiceGroup(
            configuration: .init(
                // Stopped in reverse order: the duties stop before the lease is given up.
                services: (listener.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? []) + [.init(service: app)]
                    + (leaseService.map { [.init(service: $0)] } ?? []) + [
                        .init(
                            service: LeaderDutiesService(
                                leadership: leadership, scheduler: scheduler, dispatcher: dispatcher, store: leaderStore,
                                takeOver: { try await catchUp("takeover") }, preparedAtStart: ledAtStart, logger: logger)),
                        .init(service: ReloadService(reload: reload, logger: logger))
                    ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.info("obligd starting: state \(paths.stateDirectory), config \(paths.configDirectory ?? "embedded defaults")")
        do { try await group.run() } catch {
            await store.close()
            throw error
        }
        await store.close()
        withExtendedLifetime(lock) {}
        notifier.stopping()
        logger.notice("obligd stopped")
    }

    /// "3 open, 1 overdue, next ...", then each receiver that is not delivering; in a cluster, first
    /// the node's role ("leader (epoch 4)", "follower of host:123", a configuration that differs).
    static func statusText(_ h: Health, _ role: Leadership.Role) -> String {
        let prefix = role.summary.isEmpty ? "" : role.summary + " | "
        let counts =
            prefix + "\(h.openObligations) open, \(h.overdue) overdue"
            + (h.nextDue.map { ", next \($0.due) \($0.entity) \($0.rule ?? $0.title)" } ?? "")
        let problems = h.receiverProblems
        return problems.isEmpty ? counts : "DEGRADED: " + problems.joined(separator: "; ") + " | " + counts
    }
}

/// Holds the status refresh, which needs the API that is built after the dispatcher that triggers it.
final class StatusBox: Sendable {
    private let action = Mutex<(@Sendable () async -> Void)?>(nil)
    func set(_ body: @escaping @Sendable () async -> Void) { action.withLock { $0 = body } }
    func refresh() {
        guard let body = action.withLock({ $0 }) else { return }
        Task { await body() }
    }
}
