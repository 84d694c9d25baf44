import Logging
import ServiceLifecycle
import Store

/// Renews this node's lease on a PostgreSQL store every third of its length; when it is lost (the
/// node was paused past it, the database unreachable that long) obligd stops with an error, since
/// every write now fails its fence, and systemd restarts it. A clean stop gives the lease up.
struct LeaseService: Service {
    let store: ObligationStore
    let logger: Logger

    func run() async throws {
        try await runUntilGracefulShutdown {
            while true {
                try await Task.sleep(for: .seconds(DatabaseOption.leaseSeconds) / 3)
                guard try await store.renewLeadership() else {
                    logger.critical("lost the lease on the database: another node leads now; stopping")
                    throw StartupError(description: "lease lost")
                }
            }
        }
        await store.resign()
    }
}
