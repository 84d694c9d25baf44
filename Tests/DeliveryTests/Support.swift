import DeadlineKit
import Foundation
import Rules
import Store
import Synchronization
import TestSupport
import Testing

@testable import Delivery

/// A real SQLite store on a temp path with one entity and one open obligation (id 1, due 2025-10-10),
/// made through Store's typed calls as `obligctl entity add` and `obligctl add` make them.
func makeStore(
    _ dir: TempDir, entity: String = "acme", name: String = "Acme Data Ltd", owner: String? = nil, obligation: Bool = true
) async throws -> ObligationStore {
    let store = try makeTemporaryStore(in: dir.path)
    try await store.transaction(config: Embedded.configuration, now: setUpInstant, actor: "test") { r in
        _ = try r.addEntity(id: entity, name: name, zone: "Asia/Shanghai", region: "cn", owner: owner, labels: [:])
    }
    // Outbox rows reference obligations; one open obligation to hang them on.
    guard obligation else { return store }
    try await addObligations(store, 1...1, entity: entity, title: { _ in "Report the PI protection officer" })
    return store
}

/// When the fixtures are recorded: before the payloads' times and the manual clock's.
let setUpInstant = Instant(secondsSinceEpoch: 1_700_000_000)

/// More open obligations (ids `ids`, due 2025-10-10), for outbox rows about different obligations.
/// Their "obligation.opened" notices are routed to no receiver, as a dispatcher with none configured
/// would: the tests queue the notices they are about themselves.
func addObligations(
    _ store: ObligationStore, _ ids: ClosedRange<Int64>, entity: String = "acme",
    title: @Sendable @escaping (Int64) -> String = { "Obligation \($0)" }
) async throws {
    let made = try await store.transaction(config: Embedded.configuration, now: setUpInstant, actor: "test") { r in
        try ids.map { id in
            try r.addCustom(
                entityId: entity, title: title(id), start: .day(try CivilDate(parsing: "2025-09-10")),
                period: try Period(parsing: "+30d"), roll: nil
            ).id ?? 0
        }
    }
    #expect(made == Array(ids), "obligations are numbered from 1 in a new store")
    let opened = try await store.undispatchedOutbox(limit: 10_000)
    try await store.dispatch(
        opened.map { DeliveryRouting(outboxId: $0.id, receivers: [], lane: .change) }, invalid: [], now: setUpInstant.secondsSinceEpoch)
}
/// A payload as Recorder.notify / the scheduler write it.
func payload(
    kind: String = "reminder", obligation: Int64 = 1, entity: String = "acme", rule: String = "cn.pipo.report",
    title: String = "Report the PI protection officer",
    due: String = "2025-10-10", dueInstant: Int64 = 1_760_112_000, provisional: Bool = false, stage: String? = "before:-7d",
    late: Bool = false, scheduledAt: Int64? = nil, from: String? = nil, reason: String? = nil, lateWorkingDays: Int? = nil
) -> String {
    var p: [String: Any] = [
        "kind": kind, "obligation": obligation, "entity": entity, "rule": rule, "title": title, "due": due,
        "dueInstant": dueInstant, "provisional": provisional, "status": "open"
    ]
    if kind == "reminder" {
        p["stage"] = stage
        p["late"] = late
        p["scheduledAt"] = scheduledAt ?? dueInstant - 7 * 86_400
        if let lateWorkingDays { p["lateWorkingDays"] = lateWorkingDays }
    }
    if let from { p["from"] = from }
    if let reason { p["reason"] = reason }
    return String(decoding: try! JSONSerialization.data(withJSONObject: p, options: [.sortedKeys]), as: UTF8.self)
}

/// A change notice: obligation `obligation` moved by a published calendar.
func moved(_ obligation: Int64) -> String {
    payload(kind: "obligation.moved", obligation: obligation, stage: nil, from: "2025-10-01", reason: "calendar cn/2025 v2 published")
}

/// Queues outbox rows as the scheduler would (Store's `queueNotice`) and returns their ids, oldest
/// first. Each payload is read as Delivery reads it, so a bad fixture fails here.
@discardableResult
func enqueue(_ store: ObligationStore, _ payloads: [String], createdAt: Int64 = 1_759_000_000) async throws -> [String] {
    let notices = try payloads.map { p in
        guard case .notice(let n) = try OutboxPayload.read(p, outboxId: "fixture") else { throw TestFailure("not a notice: \(p)") }
        return n
    }
    return try await store.transaction(
        config: Embedded.configuration, now: Instant(secondsSinceEpoch: createdAt), actor: "test"
    ) { r in try notices.map { try r.queueNotice($0) } }
}

/// The delivery rows (of `receiver`, or all), oldest first, as `obligctl outbox list` reads them.
func deliveries(_ store: ObligationStore, receiver: String? = nil) async throws -> [DeliveryRecord] {
    try await store.listOutbox(limit: 10_000).flatMap(\.deliveries)
        .filter { receiver == nil || $0.receiver == receiver }
        .sorted { ($0.id ?? 0) < ($1.id ?? 0) }
}

/// Whether every delivery row was delivered (and there are `count` of them, if given).
func allDelivered(_ store: ObligationStore, count: Int? = nil) async throws -> Bool {
    let all = try await deliveries(store)
    return (count == nil || all.count == count) && all.allSatisfy { $0.status == .delivered }
}

func delivery(_ store: ObligationStore, _ outboxId: String, _ receiver: String) async throws -> DeliveryRecord? {
    try await deliveries(store, receiver: receiver).first { $0.outboxId == outboxId }
}

/// Lines the journal writer would have sent, captured (tests run without a journal socket).
final class JournalCapture: Sendable {
    let lines = Mutex<[String]>([])
    var writer: JournalWriter {
        JournalWriter(socketPath: "/nonexistent/obligd-test/journal.socket") { line in self.lines.withLock { $0.append(line) } }
    }
    var all: [String] { lines.withLock { $0 } }
}

/// A dispatcher over `store` with receivers from `obligdJSON`, run in the background until `stop()`.
final class RunningDispatcher: Sendable {
    let dispatcher: Dispatcher
    let task: Task<Void, Error>
    let journal: JournalCapture

    init(store: ObligationStore, obligdJSON: String, credentials: TempDir? = nil, clock: any DeliveryClock, random: Double = 0.5) throws {
        let config = Embedded.configuration(obligdJSON: obligdJSON)
        let journal = JournalCapture()
        self.journal = journal
        var env: [String: String] = [:]
        if let credentials { env["CREDENTIALS_DIRECTORY"] = credentials.path }
        dispatcher = Dispatcher(
            store: store, configuration: { config }, environment: env, clock: clock, journal: journal.writer,
            random: { random })
        let d = dispatcher
        task = Task { try await d.run() }
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A store, a credentials directory and a manual clock starting at the real time (so signatures carry
/// plausible timestamps), for dispatcher tests.
struct Harness {
    let dir: TempDir
    let credentials: TempDir
    let store: ObligationStore
    let clock: ManualClock
    /// The "obligation.opened" notices of the set-up's obligations (routed to no receiver), newest first.
    let setUpNotices: [String]

    /// - Parameter obligation: whether to make the open obligation 1 that outbox rows hang on; tests
    ///   that fire reminders make their own, so that obligation 1's reminders do not fire beside them.
    init(entityName: String = "Acme Data Ltd", owner: String? = nil, obligation: Bool = true) async throws {
        dir = try TempDir(prefix: "obligd-delivery")
        credentials = try TempDir(prefix: "obligd-delivery")
        store = try await makeStore(dir, name: entityName, owner: owner, obligation: obligation)
        setUpNotices = try await store.listOutbox(limit: 10_000).map(\.id)
        clock = ManualClock(now: Int64(Date().timeIntervalSince1970 * 1000))
    }

    func credential(_ name: String, _ value: String) throws { _ = try credentials.write(name, value) }

    /// Starts a dispatcher with `receivers` (a JSON list) and `delivery` settings.
    /// Digests are off unless `delivery` turns them on (`"digestSeconds": 30`): most tests follow one notice.
    func start(
        receivers: String, delivery: String = #"{"backoffInitialSeconds": 10, "backoffMaxSeconds": 3600, "digestSeconds": 0}"#,
        random: Double = 0.5
    ) throws -> RunningDispatcher {
        try RunningDispatcher(
            store: store, obligdJSON: #"{"receivers": \#(receivers), "delivery": \#(delivery)}"#,
            credentials: credentials, clock: clock, random: random)
    }

    /// The receiver's pause, if it is paused.
    func pause(_ receiver: String) async throws -> ReceiverPause? {
        try await store.receiverPauses()[receiver]
    }

    /// The audit rows of `action`, oldest first.
    func audit(_ action: String) async throws -> [AuditEntry] {
        try await store.snapshot(config: Embedded.configuration, now: setUpInstant) { r in
            try r.auditRows(after: 0, limit: 100_000).filter { $0.action == action }
        }
    }
}
