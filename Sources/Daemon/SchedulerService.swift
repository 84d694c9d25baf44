import Scheduler
import ServiceLifecycle

/// Runs the reminder scheduler inside the service group until graceful shutdown.
struct SchedulerService: Service {
    let scheduler: ReminderScheduler

    func run() async throws {
        try await runUntilGracefulShutdown {
            try await scheduler.run()
        }
    }
}
