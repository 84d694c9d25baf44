import Delivery
import ServiceLifecycle

/// Runs the outbox dispatcher inside the service group until graceful shutdown.
struct DeliveryService: Service {
    let dispatcher: Dispatcher

    func run() async throws {
        try await runUntilGracefulShutdown {
            try await dispatcher.run()
        }
    }
}
