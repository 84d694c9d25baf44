import DeadlineKit
import Logging
import Rules
import Store
import Synchronization

/// Sending: a receiver's messages one after another, each only after the previous one was accepted,
/// and the outcomes recorded.
extension Dispatcher {
    /// What one send came to, before it is recorded.
    struct Sent {
        var verdict: DeliveryVerdict
        var httpStatus: Int?
        var notification: Notification?
        var started: Int64
        var finished: Int64
    }

    /// Sends a receiver's messages in order (a burst, or its one head) and records the outcomes.
    /// The accepted messages of a burst are recorded while the next ones are sent, in groups (one
    /// transaction for what was accepted while the previous group committed): a crash before a
    /// group commits makes the receiver get those again, under the same webhook-ids. Sending waits
    /// for a group when `unrecordedLimit` messages are accepted and not recorded, so a crash resends
    /// at most that many, the one in flight included, however slow the database. The first
    /// message not accepted ends the burst and is recorded on its own (`settle`), after the others.
    func attempt(
        _ burst: [DeliveryHead], receiver: Receiver, renderer: MessageRenderer, policy: RetryPolicy, journalLanguage: Language,
        people: [String: [FormatName: String]] = [:]
    ) async {
        var accepted: [(record: DeliveryRecord, notification: Notification?)] = []
        var recording: GroupRecording?
        var sends = 0
        defer {
            if sends < burst.count { unsent.withLock { $0[receiver.name, default: 0] += burst.count - sends } }
        }
        for head in burst {
            guard let sent = await send(head, receiver: receiver, renderer: renderer, people: people) else { break }
            sends += 1
            if burst.count > 1, case .delivered = sent.verdict {
                accepted.append((Self.outcome(of: head.delivery, sent, policy: policy, random: random).record, sent.notification))
                if let r = recording, r.isDone || r.count + accepted.count >= Self.unrecordedLimit {
                    // At the limit, wait for the group being recorded: a crash resends at most that many.
                    await r.task.value
                    recording = nil
                }
                if recording == nil {
                    recording = GroupRecording(accepted) { await self.record($0, receiver: receiver) }
                    accepted = []
                }
                continue
            }
            await recording?.task.value
            await record(accepted, receiver: receiver)
            accepted = []
            recording = nil
            await settle(head, sent, receiver: receiver, renderer: renderer, policy: policy, journalLanguage: journalLanguage)
            break
        }
        await recording?.task.value
        await record(accepted, receiver: receiver)
    }

    /// One group of a burst's accepted messages being recorded (in an unstructured task, so that it
    /// completes while shutting down too).
    final class GroupRecording: Sendable {
        let task: Task<Void, Never>
        /// How many accepted messages the group records.
        let count: Int
        private let done = Done()

        final class Done: Sendable {
            let value = Mutex(false)
        }

        init(
            _ group: [(record: DeliveryRecord, notification: Notification?)],
            _ record: @escaping @Sendable ([(record: DeliveryRecord, notification: Notification?)]) async -> Void
        ) {
            let done = self.done
            count = group.count
            task = Task {
                await record(group)
                done.value.withLock { $0 = true }
            }
        }

        var isDone: Bool { done.value.withLock { $0 } }
    }

    /// Renders and sends `head`; nil when nothing was sent that needs recording (shutting down, or
    /// this node no longer leads).
    func send(
        _ head: DeliveryHead, receiver: Receiver, renderer: MessageRenderer, people: [String: [FormatName: String]]
    ) async -> Sent? {
        let started = clock.now()
        var verdict: DeliveryVerdict
        var httpStatus: Int?
        var notification: Notification?
        do {
            let message = try await message(for: head, receiver: receiver, renderer: renderer, people: people, now: started)
            notification = message.notification
            let format = receiver.makeFormat()
            let request = try format.request(for: message, now: started)
            // A node that lost the lease (paused past it, cut off) must not send: another node leads.
            do { try await leader.confirmLeading() } catch {
                if Task.isCancelled { return nil }
                logger.warning("not sending to \(receiver.name): \(error)")
                try? await Task.sleep(for: .seconds(1))
                return nil
            }
            do {
                let response = try await transport.send(request, timeout: receiver.timeout)
                httpStatus = response.status
                verdict = format.interpret(response)
            } catch {
                // Shutting down mid-request: leave the delivery as it was, it is sent again on restart.
                if Task.isCancelled { return nil }
                verdict = .retry(after: nil, reason: HTTPClientTransport.describe(error, timeout: receiver.timeout))
            }
        } catch let e as NotificationError {
            verdict = .failed(reason: e.problem)
        } catch {
            verdict = .failed(reason: String(describing: error))
        }
        return Sent(verdict: verdict, httpStatus: httpStatus, notification: notification, started: started, finished: clock.now())
    }

    /// Records the outcome of one send (the head's, or the one that ended a burst).
    func settle(
        _ head: DeliveryHead, _ sent: Sent, receiver: Receiver, renderer: MessageRenderer, policy: RetryPolicy,
        journalLanguage: Language
    ) async {
        let finished = sent.finished
        let notification = sent.notification
        var d = head.delivery
        d.lastAttemptAt = finished
        d.lastHTTPStatus = sent.httpStatus
        let meta: Logger.Metadata = ["receiver": "\(receiver.name)", "outbox": "\(d.outboxId)"]
        if case let .pause(reason) = sent.verdict {
            metrics?.delivery(receiver: receiver.name, result: "paused")
            // The receiver, not the message, is at fault: the message keeps its retry budget.
            let notice =
                "Receiver \(receiver.name) is paused: what it is owed stays queued in order and is re-tested with backoff. "
                + "Fix it (obligctl notify test \(receiver.name) shows its answer), then run: obligctl receiver resume \(receiver.name)"
            do {
                let (pause, began) = try await Task {
                    try await self.leader.pauseReceiver(d, reason: reason, now: finished, notice: notice, probeDelay: policy.probeDelay)
                }.value
                if began {
                    logger.error("receiver \(receiver.name) paused: \(reason)", metadata: meta)
                } else {
                    logger.warning(
                        "receiver \(receiver.name) still paused after \(pause.probes) probe(s), next at \(pause.nextProbeAt): \(reason)",
                        metadata: meta)
                }
                onReceiverChange()
            } catch {
                logger.error("could not record a paused receiver: \(String(describing: error))", metadata: meta)
            }
            return
        }
        let (outcome, gaveUp) = Self.outcome(of: head.delivery, sent, policy: policy, random: random)
        d = outcome
        // Recorded even while shutting down (an unstructured task does not inherit cancellation): a
        // receiver's 2xx that is not recorded means a duplicate after restart.
        let record = d
        let note = gaveUp.map { "receiver \(receiver.name): \($0)" }
        let resumed: ReceiverPause?
        do {
            resumed = try await Task { try await self.leader.recordDelivery(record, auditNote: note) }.value
        } catch {
            logger.error("could not record a delivery outcome: \(String(describing: error))", metadata: meta)
            return
        }
        metrics?.delivery(
            receiver: receiver.name, result: d.status == .pending ? "retry" : d.status.rawValue,
            reminderLatency: d.status == .delivered ? notification.flatMap { Self.reminderLatency($0, at: finished) } : nil)
        if d.status == .delivered { failingNoticed.withLock { _ = $0.remove(receiver.name) } }
        if d.status == .pending, let since = d.firstAttemptAt, finished - since >= Self.failingNoticeAfter,
            failingNoticed.withLock({ $0.insert(receiver.name).inserted })
        {
            let notice =
                "Receiver \(receiver.name) has been failing for \((finished - since) / 60_000) min; obligd keeps retrying with backoff. "
                + "Check it: obligctl receiver list; obligctl notify test \(receiver.name)"
            do { try await leader.noticeFailing(record, reason: d.lastError ?? "", notice: notice, now: finished) } catch {
                logger.error("could not queue a notice that \(receiver.name) is failing: \(String(describing: error))", metadata: meta)
            }
            logger.error("receiver \(receiver.name) failing for \((finished - since) / 60_000) min: \(d.lastError ?? "")", metadata: meta)
            onReceiverChange()
        }
        if let resumed {
            logger.notice(
                "receiver \(receiver.name) accepts notifications again (paused since \(resumed.since), \(resumed.probes + 1) probe(s))",
                metadata: meta)
            onReceiverChange()
        }
        let attemptMeta = meta.merging(["attempt": "\(d.attempts)"]) { a, _ in a }
        switch d.status {
        case .delivered:
            logger.debug("delivered", metadata: attemptMeta)
        case .pending:
            logger.warning("delivery failed, retrying at \(d.nextAttemptAt): \(d.lastError ?? "")", metadata: attemptMeta)
        case .superseded:
            // Not an outcome of an attempt: a close superseded the reminder while it was in flight.
            logger.debug("superseded", metadata: attemptMeta)
        case .dead, .dropped:
            logger.error("delivery given up: \(d.lastError ?? "")", metadata: attemptMeta)
            onReceiverChange()
            // A failing-notice that itself fails is journaled only, so two broken receivers cannot feed
            // each other an endless exchange of notices.
            if var failing = notification {
                failing.kind = .deliveryFailing
                failing.receiver = receiver.name
                failing.error = d.lastError
                failing.reason =
                    "The message was dead-lettered. Fix the receiver, then run: obligctl outbox retry --receiver \(receiver.name) --all"
                let rendered = renderer.render(
                    failing, entity: head.entity, language: journalLanguage, now: Instant(secondsSinceEpoch: finished / 1000))
                journal.record(failing, rendered: rendered, citation: "")
            }
        }
    }

    /// The delivery row after `sent`'s verdict (not a pause): delivered, given up (and why), or due
    /// again after a backoff.
    static func outcome(
        of delivery: DeliveryRecord, _ sent: Sent, policy: RetryPolicy, random: () -> Double
    ) -> (record: DeliveryRecord, gaveUp: String?) {
        var d = delivery
        let finished = sent.finished
        d.lastAttemptAt = finished
        d.lastHTTPStatus = sent.httpStatus
        d.attempts += 1
        d.firstAttemptAt = d.firstAttemptAt ?? sent.started
        var gaveUp: String?
        switch sent.verdict {
        case .delivered:
            d.status = .delivered
            d.deliveredAt = finished
            d.lastError = nil
        case let .failed(reason):
            d.status = .dead
            d.lastError = reason
            gaveUp = reason
        case let .retry(after, reason):
            let spentAttempts = d.attempts >= policy.maxAttempts
            let spentTime = finished - d.firstAttemptAt! >= Backoff.millis(policy.maxAge)
            if spentAttempts && spentTime {
                d.status = .dead
                d.lastError = "gave up after \(d.attempts) attempts: \(reason)"
                gaveUp = d.lastError
            } else {
                let backoff = Backoff(initial: policy.initialBackoff, max: policy.maxBackoff)
                let wait = after.map { Backoff.millis($0) } ?? backoff.delay(afterFailures: d.attempts, unit: random())
                d.nextAttemptAt = finished + max(wait, 0)
                d.lastError = reason
            }
        case .pause:
            break
        }
        return (d, gaveUp)
    }

    /// Records the accepted messages of a burst in one transaction (even while shutting down: an
    /// accepted message not recorded is sent again after a restart).
    func record(_ accepted: [(record: DeliveryRecord, notification: Notification?)], receiver: Receiver) async {
        guard !accepted.isEmpty else { return }
        let records = accepted.map(\.record)
        do {
            try await Task { try await self.leader.recordDeliveries(records) }.value
        } catch {
            logger.error(
                "could not record \(records.count) delivery outcome(s): \(String(describing: error))",
                metadata: ["receiver": "\(receiver.name)"])
            return
        }
        for (d, n) in accepted {
            metrics?.delivery(
                receiver: receiver.name, result: "delivered",
                reminderLatency: n.flatMap { Self.reminderLatency($0, at: d.deliveredAt ?? 0) })
            logger.debug("delivered", metadata: ["receiver": "\(receiver.name)", "outbox": "\(d.outboxId)", "attempt": "\(d.attempts)"])
        }
        failingNoticed.withLock { _ = $0.remove(receiver.name) }
    }
}
