import Logging
import ServiceLifecycle
import UnixSignals

/// Reloads the configuration on SIGHUP, until the service group shuts down.
struct ReloadService: Service {
    let reload: @Sendable () async throws -> String
    let logger: Logger

    func run() async throws {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        await withGracefulShutdownHandler {
            for await _ in signals.cancelOnGracefulShutdown() {
                do {
                    let summary = try await reload()
                    logger.notice("reloaded on SIGHUP: \(summary)")
                } catch {
                    logger.error("reload on SIGHUP rejected, previous configuration stays: \(error)")
                }
            }
        } onGracefulShutdown: {
        }
    }
}
