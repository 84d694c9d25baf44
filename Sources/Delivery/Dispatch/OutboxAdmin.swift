import DeadlineKit
import Foundation
import Rules
import Store

/// What a receiver answered to `sendTest`.
package struct TestSendResult: Sendable, Equatable {
    /// The receiver the sample was sent to.
    package var receiver: String
    /// nil when no answer came (timeout, refused connection).
    package var httpStatus: Int?
    /// The answer's body (up to 2 KiB), or the transport error.
    package var answer: String
    /// What the answer means, as a real delivery would read it (delivered, retry, pause, failed).
    package var verdict: DeliveryVerdict
    /// How long the send took, from building the request to the answer.
    package var milliseconds: Int64
    /// Whether the receiver accepted the sample.
    package var delivered: Bool { verdict == .delivered }
}

/// The operations behind `obligctl outbox list|retry|drop`, `obligctl receiver` and `obligctl notify test`.
extension Dispatcher {
    /// Outbox rows, newest first, with each receiver's delivery state.
    /// - Parameter digest: only the members of this digest (the webhook-id of a digest message).
    package func listOutbox(filter: OutboxFilter = .all, digest: String? = nil, limit: Int = 100) async throws -> [OutboxItem] {
        try await store.listOutbox(filter: filter, digest: digest, limit: limit)
    }

    /// Revives dead deliveries of an outbox row (all receivers, or one) so they are sent again next,
    /// ahead of the receiver's newer messages, with a fresh retry budget. Audited.
    /// - Returns: the number of deliveries revived.
    @discardableResult
    package func retry(outboxId: String, receiver: String? = nil, actor: String) async throws -> Int {
        let count = try await store.retryDeliveries(outboxId: outboxId, receiver: receiver, actor: actor, now: clock.now())
        wake()
        return count
    }

    /// Revives every dead delivery of a receiver, in the order they were first queued. Audited.
    @discardableResult
    package func retryAll(receiver: String, actor: String) async throws -> Int {
        let count = try await store.retryDeliveries(outboxId: nil, receiver: receiver, actor: actor, now: clock.now())
        wake()
        return count
    }

    /// Drops the undelivered deliveries of an outbox row (all receivers, or one); a row not yet
    /// dispatched is dropped whole and never sent. Audited with the reason.
    /// - Returns: the number of deliveries dropped (0 when only the undispatched row was dropped).
    @discardableResult
    package func drop(outboxId: String, receiver: String? = nil, actor: String, reason: String?) async throws -> Int {
        let count = try await store.dropDeliveries(outboxId: outboxId, receiver: receiver, actor: actor, reason: reason, now: clock.now())
        wake()
        return count
    }

    /// Sends a sample reminder to `receiver` now, outside the queue (nothing is stored), and reports the
    /// receiver's answer, so an operator can check a URL, secret and format before a deadline depends on it.
    package func sendTest(receiver name: String) async throws -> TestSendResult {
        let setup = try setup()
        guard let receiver = setup.delivery.receiver(named: name) else {
            let known = setup.delivery.receivers.map(\.name)
            throw StoreError.invalid(
                field: "receiver", problem: "no receiver '\(name)'",
                fix: known.isEmpty ? "configure receivers in obligd.json" : "use one of: \(known.joined(separator: ", "))")
        }
        let now = clock.now()
        let zone = Zone.shanghai
        let due = zone.day(of: Instant(secondsSinceEpoch: now / 1000)).adding(days: 7)
        let payload = OutboxPayload(
            kind: .reminder, obligation: 0, entity: "obligd-test", rule: "", title: "obligd test notification",
            due: due.description, dueInstant: zone.endOfDay(due).secondsSinceEpoch, provisional: false,
            status: "open", detail: .init(stage: "before:-7d", late: false, scheduledAt: now / 1000))
        let text = payload.json
        let n = try Notification(id: "test-" + UUID().uuidString.lowercased(), createdAt: now / 1000, payload: text)
        let rendered = setup.renderer.render(n, entity: nil, language: receiver.language, now: Instant(secondsSinceEpoch: now / 1000))
        let format = receiver.makeFormat()
        let request = try format.request(for: OutgoingMessage(notification: n, rendered: rendered), now: now)
        do {
            let response = try await transport.send(request, timeout: receiver.timeout)
            return TestSendResult(
                receiver: name, httpStatus: response.status, answer: response.bodyText,
                verdict: format.interpret(response), milliseconds: clock.now() - now)
        } catch {
            let why = HTTPClientTransport.describe(error, timeout: receiver.timeout)
            return TestSendResult(
                receiver: name, httpStatus: nil, answer: why, verdict: .retry(after: nil, reason: why),
                milliseconds: clock.now() - now)
        }
    }

    /// Shuts down the HTTP client after `runTerm()`, or when `run()` was never started (tools, tests);
    /// `run()` does it itself.
    package func shutdown() async {
        try? await client.shutdown()
    }
}
