import Delivery
import Logging
import Scheduler
import ServiceLifecycle
import Store

/// Runs what only the leader may run, for as long as this node leads: the scheduler, delivery and,
/// on PostgreSQL, the watch for writes other nodes commit. A node that becomes leader later (a
/// failover) first brings the obligations in line with its configuration (`takeOver`), then fires
/// what fell due meanwhile (late past a minute, as after any downtime). When it stops leading, the
/// duties are cancelled; the fence had already refused their writes.
struct LeaderDutiesService: Service {
    let leadership: Leadership
    let scheduler: ReminderScheduler
    let dispatcher: Dispatcher
    let store: ObligationStore
    /// Run at the start of each term but the first when the daemon ran it before serving.
    let takeOver: @Sendable () async throws -> Void
    /// Whether the daemon already ran `takeOver`'s work at start (it led from the start).
    let preparedAtStart: Bool
    let logger: Logger

    func run() async throws {
        var prepared = preparedAtStart
        await withTaskCancellationOrGracefulShutdownHandler {
            var term: Task<Void, Never>?
            for await leading in leadership.leading() {
                if leading, term == nil {
                    let skip = prepared
                    prepared = false
                    term = Task { await self.term(prepared: skip) }
                } else if !leading, let t = term {
                    t.cancel()
                    await t.value
                    term = nil
                }
            }
            term?.cancel()
            await term?.value
        } onCancelOrGracefulShutdown: {
            leadership.finish()
        }
        await dispatcher.shutdown()
    }

    /// One term of leadership, until cancelled. Delivery starts at once: what the previous leader
    /// fired and did not deliver is owed now, whatever the takeover changes. The scheduler starts
    /// once the obligations are in line with this node's configuration.
    private func term(prepared: Bool) async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                do { try await dispatcher.runTerm() } catch { logger.critical("delivery stopped: \(error)") }
            }
            group.addTask {
                await store.watchChanges {
                    scheduler.wake()
                    dispatcher.wake()
                }
            }
            group.addTask {
                if !prepared {
                    let started = ContinuousClock.now
                    do {
                        try await takeOver()
                        logger.info("takeover done", metadata: ["ms": "\(Int((ContinuousClock.now - started) / .milliseconds(1)))"])
                    } catch {
                        if Task.isCancelled { return }
                        logger.error("could not bring the obligations in line at takeover: \(error); firing reminders all the same")
                    }
                }
                do { try await scheduler.run() } catch { logger.critical("the scheduler stopped: \(error)") }
            }
        }
    }
}
