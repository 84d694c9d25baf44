import APIModel
import DeadlineKit
import Rules
import Store

/// What the web view needs from the daemon, passed in so that Web depends on Store's API and not on
/// the daemon: the store, the configuration in force (re-read per request, so a reload takes effect),
/// the clock, a wake-up for the dispatcher after a write (a close is notified like any other), and
/// the health the API reports (`GET /v1/health`), which the status page shows as it is.
package struct WebEnvironment: Sendable {
    /// The store the pages read and the forms write through, by Store's typed API.
    package var store: ObligationStore
    /// The configuration in force, read per request so a reload takes effect at the next page.
    package var configuration: @Sendable () -> Configuration
    /// The clock that stamps writes and decides what is due and overdue on a page.
    package var now: @Sendable () -> Instant
    /// Called after each committed write, to wake the dispatcher (a close is notified like any other).
    package var afterWrite: @Sendable () -> Void
    /// The health `GET /v1/health` reports; nil when the daemon gives none (tests).
    package var health: @Sendable () async throws -> Health?

    /// Builds the environment; the daemon passes its own store, configuration, clock, dispatcher wake-up and health.
    package init(
        store: ObligationStore, configuration: @escaping @Sendable () -> Configuration, now: @escaping @Sendable () -> Instant,
        afterWrite: @escaping @Sendable () -> Void = {}, health: @escaping @Sendable () async throws -> Health? = { nil }
    ) {
        self.store = store
        self.configuration = configuration
        self.now = now
        self.afterWrite = afterWrite
        self.health = health
    }

    /// obligd.json's `web` and the people's names, as the configuration in force has them (a reload
    /// takes effect at the next request).
    var settings: WebSettings { (try? WebSettings.load(configuration())) ?? WebSettings() }

    /// The URL people reach the web view at, if configured.
    var baseURL: String? { settings.baseURL }

    /// Whether the session cookie must be `Secure`: the configured URL is https.
    var secureCookies: Bool { baseURL?.lowercased().hasPrefix("https://") == true }

    /// Display names of the people obligd.json's `people` names (`"li.wei": {"name": "Li Wei"}`).
    var names: [String: String] { settings.names }

    /// Runs `body` on a consistent snapshot.
    func read<T: Sendable>(_ body: @Sendable @escaping (Recorder) throws -> T) async throws -> T {
        try await store.snapshot(config: configuration(), now: now(), body)
    }

    /// Runs `body` in one transaction audited as `actor`, then wakes the dispatcher.
    func write<T: Sendable>(actor: String, _ body: @Sendable @escaping (Recorder) throws -> T) async throws -> T {
        let result = try await store.transaction(config: configuration(), now: now(), actor: actor, body)
        afterWrite()
        return result
    }
}
