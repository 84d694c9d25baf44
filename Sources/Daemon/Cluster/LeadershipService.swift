import Logging
import ServiceLifecycle
import Store
import Synchronization

/// Keeps this node's place in a PostgreSQL cluster: every third of the lease it records its
/// heartbeat (`cluster_node`), renews the lease when it leads, and otherwise tries to take it, which
/// succeeds once the leader stopped renewing (dead, hung, cut off) and this node's configuration
/// agrees with the cluster's. A leader whose renewals fail for the lease's length steps down by
/// itself (and a node that takes over fences its writes out). A clean stop gives the lease up.
final class LeadershipService: Service, Sendable {
    let store: ObligationStore
    let leadership: Leadership
    let node: ObligationStore.NodeReport
    let ttlSeconds: Int64
    /// The configuration's fingerprint now (it changes on a reload).
    let fingerprint: @Sendable () -> String
    let logger: Logger
    /// Called when the role changed (the daemon refreshes its status line).
    let onChange: @Sendable () -> Void
    private let lastRenewal = Mutex(ContinuousClock.now)

    init(
        store: ObligationStore, leadership: Leadership, node: ObligationStore.NodeReport, ttlSeconds: Int64,
        fingerprint: @escaping @Sendable () -> String, logger: Logger, onChange: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.leadership = leadership
        self.node = node
        self.ttlSeconds = ttlSeconds
        self.fingerprint = fingerprint
        self.logger = logger
        self.onChange = onChange
    }

    func run() async throws {
        try? await runUntilGracefulShutdown {
            var next = self.period
            while true {
                try await Task.sleep(for: next)
                next = await self.step()
            }
        }
        await store.resign()
    }

    /// How often a node beats and the leader renews: a third of the lease, so two renewals may fail
    /// before it expires.
    var period: Duration { .seconds(ttlSeconds) / 3 }

    /// One turn: heartbeat, then renew or try to take the lease; returns when to take the next. A
    /// follower tries again just after the lease would expire (if sooner than `period`), so a dead
    /// leader is replaced within the lease's length of its last renewal, not a third more.
    @discardableResult
    func step() async -> Duration {
        let own = fingerprint()
        let before = leadership.role
        var report = node
        report.fingerprint = own
        report.role = before.name
        do {
            try await store.heartbeat(report)
            if before.isLeading {
                if try await store.renewLeadership(fingerprint: own) {
                    lastRenewal.withLock { $0 = .now }
                    return period
                }
                logger.critical("lost the lease on the database: another node leads now; stopping the scheduler and delivery")
            }
            switch try await store.lead(node: node.name, ttlSeconds: ttlSeconds, fingerprint: own) {
            case let .leading(epoch):
                lastRenewal.withLock { $0 = .now }
                change(to: .leader(epoch: epoch ?? 0))
                return period
            case let .follower(holder, epoch, expiresIn, cluster):
                change(
                    to: cluster.isEmpty || cluster == own
                        ? .follower(leader: holder, epoch: epoch) : .disagrees(leader: holder, cluster: cluster, own: own))
                // Expired but not taken (another node was quicker, or this one may not): look again soon.
                return expiresIn > .zero ? min(period, expiresIn + .milliseconds(50)) : min(period, .milliseconds(100))
            }
        } catch {
            let reason = PostgresFailure.reason(error)
            if before.isLeading, ContinuousClock.now - lastRenewal.withLock({ $0 }) < .seconds(ttlSeconds) {
                logger.warning("could not renew the lease (again in \(ttlSeconds / 3) s): \(reason)")
                return period
            }
            store.stepDown()
            change(to: .unreachable(reason: reason))
            return period
        }
    }

    private func change(to role: Leadership.Role) {
        let before = leadership.role
        leadership.set(role)
        guard before != role else { return }
        switch role {
        case .leader: logger.notice("leading the cluster: \(role.summary); running the scheduler and delivery")
        case .follower: logger.notice("\(role.summary): serving the API, ready to take over")
        case .disagrees:
            logger.error(
                "\(role.summary). Give every node the same calendars and rules (obligctl cluster status shows each node's)")
        case .unreachable, .standalone: logger.error("\(role.summary)")
        }
        onChange()
    }
}
