import AsyncHTTPClient
import DeadlineKit
import Foundation
import Logging
import Rules
import Store
import Synchronization
import Telemetry

/// Delivers the outbox: journals each notification once, then sends it to every receiver whose routes
/// match, durably, within each receiver's rate limit. Each receiver has two lanes: reminders go ahead of
/// change notices (a change notice about the same obligation queued before a reminder goes first), and
/// each lane is sent in order. Failures are handled by class: transient ones are retried with backoff
/// until the retry budget is spent (dead letter); a receiver that answers that it is misconfigured is
/// paused, its queue kept and its head re-sent as a probe with backoff until it accepts it; a message
/// the platform rejects as malformed is dead-lettered with the platform's reason.
///
/// `run()` is a swift-service-lifecycle style service body: it returns when its task is cancelled, after
/// the requests in flight have ended, and shuts down the one `HTTPClient` it owns. It never polls while
/// idle: it sleeps until the earliest retry or rate-limit instant, or until `wake()`, which the daemon
/// calls after committing outbox rows.
///
/// Guarantees: a delivery row per (outbox row, receiver) (UNIQUE), created in outbox order; a receiver's
/// next message is sent only after its previous one was delivered or given up; each outcome is one
/// transaction; nothing a receiver is owed is dropped without an operator's audited `drop`. A crash between a receiver's 2xx and that transaction resends the message with the same
/// webhook-id, which Standard Webhooks receivers deduplicate; nothing is ever lost.
package final class Dispatcher: Sendable {
    /// The state, for what operators ask of delivery through the API (on any node).
    let store: ObligationStore
    /// The same state for the loop's own writes (routing, outcomes, digests, agendas): on PostgreSQL
    /// each passes the fence of this node's lease, so a node that lost it records no outcome.
    let leader: ObligationStore
    let configuration: @Sendable () -> Configuration
    let environment: [String: String]
    let clock: any DeliveryClock
    let journal: JournalWriter
    let logger: Logger
    let random: @Sendable () -> Double
    let client: HTTPClient
    let transport: any WebhookTransport
    let wakeup = Wakeup()
    let cache = Mutex<CachedSetup?>(nil)
    let busy = Mutex<Set<String>>([])
    /// Per receiver, the tokens taken for messages of a burst that ended before they were sent: given
    /// back to its bucket at the next pass.
    let unsent = Mutex<[String: Int]>([:])
    /// Receivers failing transiently whose failure the other receivers were told of (cleared when
    /// they deliver again), so a long outage gives one notice, not one per retry.
    let failingNoticed = Mutex<Set<String>>([])
    /// The local day of each receiver's last agenda this process queued or found queued.
    let agendaDays = Mutex<[String: String]>([:])
    /// How long a receiver fails transiently before the other receivers are told.
    static let failingNoticeAfter: Int64 = 10 * 60_000
    /// Called when a receiver is paused or resumes, or a delivery is dead-lettered (the daemon updates
    /// its systemd status).
    let onReceiverChange: @Sendable () -> Void
    /// Counts delivery outcomes and reminder latencies (nil: not counted).
    let metrics: EventMetrics?
    /// Outbox rows journaled and routed per pass.
    static let batch = 200
    /// Reminders sent to one receiver one after another before their outcomes are recorded together.
    static let burst = 50

    /// At most this many accepted messages of a burst wait to be recorded while the next are sent.
    /// Why a bound: a crash resends them (same webhook-ids, but a chat robot shows a resend twice);
    /// without it a database slower than the receiver (PostgreSQL over a network) lets it grow.
    static let unrecordedLimit = 4

    /// - Parameters:
    ///   - configuration: the current configuration (re-read on every pass, so a reload takes effect;
    ///     call `reload()` after one so credentials are read again).
    ///   - environment: for `$CREDENTIALS_DIRECTORY`.
    ///   - random: 0..<1, for backoff jitter.
    package init(
        store: ObligationStore, configuration: @escaping @Sendable () -> Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any DeliveryClock = SystemDeliveryClock(), journal: JournalWriter = JournalWriter(),
        logger: Logger = Logger(label: "obligd.delivery"), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        metrics: EventMetrics? = nil, onReceiverChange: @escaping @Sendable () -> Void = {}
    ) {
        self.onReceiverChange = onReceiverChange
        self.metrics = metrics
        self.store = store
        self.leader = store.forLeader()
        self.configuration = configuration
        self.environment = environment
        self.clock = clock
        self.journal = journal
        self.logger = logger
        self.random = random
        var config = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: .seconds(60)))
        config.connectionPool = .init(idleTimeout: .seconds(60))
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
        transport = HTTPClientTransport(client: client)
    }

    /// Call after committing outbox rows: the dispatcher picks them up now instead of at its next timer.
    package func wake() { wakeup.signal() }

    /// Call after a configuration reload: receivers, credentials and templates are read again, and
    /// paused receivers are probed at once (the reload may have fixed them).
    package func reload() async {
        cache.withLock { $0 = nil }
        do { try await store.probePausedReceivers(now: clock.now(), actor: nil) } catch {
            logger.error("could not schedule probes of paused receivers: \(String(describing: error))")
        }
        wakeup.signal()
    }

    /// Probes a paused receiver now, after an operator fixed it (`obligctl receiver resume NAME`).
    /// Audited. The receiver resumes when it accepts the probe; until then it stays paused.
    package func resume(receiver name: String, actor: String) async throws -> ReceiverQueue {
        let known = try setup().delivery.receivers.map(\.name)
        guard known.contains(name) else {
            throw StoreError.invalid(
                field: "receiver", problem: "no receiver '\(name)'",
                fix: known.isEmpty ? "configure receivers in obligd.json" : "use one of: \(known.joined(separator: ", "))")
        }
        let probed = try await store.probePausedReceivers(name, now: clock.now(), actor: actor)
        guard !probed.isEmpty else { throw StoreError.conflict("receiver \(name) is not paused") }
        wakeup.signal()
        return try await receiverQueues().first { $0.receiver == name } ?? ReceiverQueue(receiver: name)
    }

    /// Every configured receiver's queue and state (and any receiver no longer configured that still
    /// has messages queued).
    package func receiverQueues() async throws -> [ReceiverQueue] {
        try await store.receiverQueues(try setup().delivery.receivers.map(\.name))
    }

    // MARK: Setup

    struct CachedSetup: Sendable {
        var key: [Data?]
        var delivery: DeliveryConfiguration
        var templates: TemplateSet
    }

    struct Setup: Sendable {
        var delivery: DeliveryConfiguration
        var renderer: MessageRenderer
    }

    /// The receivers and templates of the current configuration, parsed once per change of the files
    /// they come from. A configuration that fails keeps the last good one (the daemon validates before
    /// it swaps a reloaded configuration in, so this is a second line of defence).
    func setup() throws -> Setup {
        let config = configuration()
        let key = ["obligd.json", "templates/en.json", "templates/zh-CN.json"].map { config.files[$0] }
        if let c = cache.withLock({ $0 }), c.key == key {
            return Setup(delivery: c.delivery, renderer: MessageRenderer(templates: c.templates, configuration: config))
        }
        do {
            let delivery = try DeliveryConfiguration.load(config, environment: environment)
            let templates = try TemplateSet.load(from: config)
            cache.withLock { $0 = CachedSetup(key: key, delivery: delivery, templates: templates) }
            return Setup(delivery: delivery, renderer: MessageRenderer(templates: templates, configuration: config))
        } catch {
            if let c = cache.withLock({ $0 }) {
                logger.error("delivery configuration rejected, keeping the previous one: \(String(describing: error))")
                return Setup(delivery: c.delivery, renderer: MessageRenderer(templates: c.templates, configuration: config))
            }
            throw error
        }
    }

    // MARK: The loop

    /// Delivers until cancelled, then shuts down the HTTP client: the whole life of a dispatcher
    /// that always leads (SQLite, tests).
    package func run() async throws {
        try await runTerm()
        try? await client.shutdown()
    }

    /// Delivers until cancelled, as `run()`, but keeps the HTTP client: one term of leadership of a
    /// node on PostgreSQL, which may lead again later (`shutdown()` at the end).
    package func runTerm() async throws {
        var buckets: [String: (limit: RateLimit, bucket: TokenBucket)] = [:]
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                var nextWake: Int64?
                do {
                    let setup = try setup()
                    let more = try await dispatchBatch(setup)
                    let now = clock.now()
                    let pauses = try await store.receiverPauses()
                    if let agendaAt = try await queueAgendas(setup.delivery.receivers, now: now) {
                        nextWake = min(nextWake ?? .max, agendaAt)
                    }
                    for receiver in setup.delivery.receivers {
                        if busy.withLock({ $0.contains(receiver.name) }) { continue }
                        // A paused receiver is sent nothing but its probe, whatever arrives meanwhile.
                        if let p = pauses[receiver.name], p.nextProbeAt > now {
                            nextWake = min(nextWake ?? .max, p.nextProbeAt)
                            continue
                        }
                        let paused = pauses[receiver.name] != nil
                        let queued = try await store.deliveryBurst(
                            receiver: receiver.name, now: now, limit: paused ? 1 : Self.burst,
                            withChanges: receiver.digestWindow == nil)
                        guard var head = queued.first else { continue }
                        if head.delivery.nextAttemptAt > now, pauses[receiver.name] == nil {
                            nextWake = min(nextWake ?? .max, head.delivery.nextAttemptAt)
                            continue
                        }
                        // Change notices wait for their digest window; one that a reminder about the
                        // same obligation waits behind goes at once, with whatever is queued by then.
                        if let opensAt = digestOpensAt(head, receiver: receiver) {
                            if opensAt > now, !head.aheadOfReminder {
                                nextWake = min(nextWake ?? .max, opensAt)
                                continue
                            }
                            head = try await closeGroup(head, receiver: receiver, now: now)
                        }
                        var entry = buckets[receiver.name]
                        if entry == nil || entry!.limit != receiver.rate { entry = (receiver.rate, TokenBucket(receiver.rate, now: now)) }
                        if let n = unsent.withLock({ $0.removeValue(forKey: receiver.name) }) { entry!.bucket.refund(n) }
                        let reserve = Self.reserve(for: head, receiver)
                        guard entry!.bucket.take(now: now, keeping: reserve) else {
                            nextWake = min(nextWake ?? .max, entry!.bucket.nextTokenAt(now: now, keeping: reserve))
                            buckets[receiver.name] = entry
                            continue
                        }
                        // The rest of a burst goes as far as the bucket has tokens.
                        var burst = [head]
                        for next in queued.dropFirst() {
                            guard entry!.bucket.take(now: now, keeping: Self.reserve(for: next, receiver)) else { break }
                            burst.append(next)
                        }
                        buckets[receiver.name] = entry
                        busy.withLock { _ = $0.insert(receiver.name) }
                        let policy = setup.delivery.retry
                        let renderer = setup.renderer
                        let journalLanguage = setup.delivery.journalLanguage
                        let people = setup.delivery.people
                        group.addTask {
                            await self.attempt(
                                burst, receiver: receiver, renderer: renderer, policy: policy, journalLanguage: journalLanguage,
                                people: people)
                            self.busy.withLock { _ = $0.remove(receiver.name) }
                            self.wakeup.signal()
                        }
                    }
                    if more { continue }
                } catch {
                    if Task.isCancelled { break }
                    logger.error("delivery pass failed, retrying in 5 s: \(String(describing: error))")
                    nextWake = clock.now() + 5000
                }
                await wakeup.wait(until: nextWake, clock: clock)
            }
        }
        logger.info("delivery stopped")
    }

    /// The tokens a message must leave in its receiver's bucket: change notices keep one for reminders
    /// when the bucket holds two or more (a change that a reminder about its obligation waits behind
    /// may take it).
    static func reserve(for message: DeliveryHead, _ receiver: Receiver) -> Double {
        message.delivery.lane == .change && !message.aheadOfReminder && receiver.rate.burst >= 2 ? 1 : 0
    }

    /// Journals and routes up to `batch` undispatched outbox rows; true if there may be more.
    func dispatchBatch(_ setup: Setup) async throws -> Bool {
        let rows = try await store.undispatchedOutbox(limit: Self.batch)
        guard !rows.isEmpty else { return false }
        let now = clock.now()
        var routings: [DeliveryRouting] = []
        var invalid: [(id: String, error: String)] = []
        var entities: [String: Entity?] = [:]
        for row in rows {
            let n: Notification
            do throws(NotificationError) { n = try Notification(outbox: row) } catch {
                logger.error("outbox row cannot be delivered: \(error.description)", metadata: ["outbox": "\(row.id)"])
                invalid.append((row.id, error.problem))
                continue
            }
            if entities[n.entity] == nil { entities[n.entity] = .some(try await store.entity(n.entity)) }
            let entity = entities[n.entity]!
            let rendered = setup.renderer.render(
                n, entity: entity, language: setup.delivery.journalLanguage,
                now: Instant(secondsSinceEpoch: now / 1000))
            // An agenda is for its receiver only and not journaled: the journal has every notice already.
            if n.kind == .agenda {
                routings.append(
                    .init(
                        outboxId: n.id, receivers: setup.delivery.receiver(named: n.receiver ?? "").map { [$0.name] } ?? [],
                        lane: .reminder))
                continue
            }
            journal.record(n, rendered: rendered, citation: citation(n, setup))
            if let latency = Self.reminderLatency(n, at: now) { metrics?.reminderArrived(receiver: "journal", after: latency) }
            // A notice that a receiver is failing goes to the others, never back to the failing one.
            let receivers = setup.delivery.receivers.filter { $0.accepts(n) && !(n.kind == .deliveryFailing && $0.name == n.receiver) }
            routings.append(
                .init(
                    outboxId: n.id, receivers: receivers.map(\.name), lane: DeliveryLane.of(kind: n.kind),
                    closes: n.kind.closesObligation ? n.obligation : nil))
        }
        // Journaled before the commit: a crash in between journals these rows again on restart, which
        // is better than never.
        try await leader.dispatch(routings, invalid: invalid, now: now)
        return rows.count == Self.batch
    }

    func citation(_ n: Notification, _ setup: Setup) -> String {
        n.rule.isEmpty ? "" : setup.renderer.configuration.rule(n.rule)?.citation ?? ""
    }

    /// For a reminder, the time from its stage's instant to `millis` (epoch ms).
    static func reminderLatency(_ n: Notification, at millis: Int64) -> Duration? {
        guard n.kind == .reminder, let scheduled = n.scheduledAt else { return nil }
        return .milliseconds(millis - scheduled * 1000)
    }
}
