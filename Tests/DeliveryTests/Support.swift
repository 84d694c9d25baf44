import DeadlineKit
import Foundation
import GRDB
import Rules
import Synchronization
import TestSupport
import Testing

@testable import Delivery
@testable import Store

/// A real SQLite store on a temp path with one entity.
func makeStore(_ dir: TempDir, entity: String = "acme", name: String = "Acme Data Ltd") throws -> ObligationStore {
    let store = try makeTemporaryStore(in: dir.path)
    try store.pool.write { db in
        try Entity(id: entity, name: name, zone: "Asia/Shanghai", region: "cn", owner: nil, labels: StringMap(), createdAt: 0).insert(db)
        // Outbox rows reference obligations; one open obligation to hang them on.
        try db.execute(
            sql: """
                INSERT INTO obligation (id, entityId, ruleId, title, triggerKey, start, period, due, dueInstant, calendars, provisional, status, createdAt, updatedAt)
                VALUES (1, ?, 'cn.pipo.report', 'Report the PI protection officer', 'test', '2025-01-01', '+30wd', '2025-10-10', 0, '[]', 0, 'open', 0, 0)
                """, arguments: [entity])
    }
    return store
}

/// More open obligations (ids `ids`) beside obligation 1, for outbox rows about different obligations.
func addObligations(_ store: ObligationStore, _ ids: ClosedRange<Int64>, entity: String = "acme") throws {
    try store.pool.write { db in
        for id in ids {
            try db.execute(
                sql: """
                    INSERT INTO obligation (id, entityId, ruleId, title, triggerKey, start, period, due, dueInstant, calendars, provisional, status, createdAt, updatedAt)
                    VALUES (?, ?, 'cn.pipo.report', 'Obligation ' || ?, 'test' || ?, '2025-01-01', '+30wd', '2025-10-10', 0, '[]', 0, 'open', 0, 0)
                    """, arguments: [id, entity, id, id])
        }
    }
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

/// Inserts outbox rows as the daemon would and returns their ids, oldest first. The row's kind and
/// obligation are read from the payload.
@discardableResult
func enqueue(_ store: ObligationStore, _ payloads: [String], createdAt: Int64 = 1_759_000_000) throws -> [String] {
    try store.pool.write { db in
        try payloads.map { p in
            let object = try JSONSerialization.jsonObject(with: Data(p.utf8)) as? [String: Any] ?? [:]
            let e = OutboxEntry(
                id: UUID().uuidString.lowercased(), createdAt: createdAt, kind: object["kind"] as? String ?? "reminder",
                obligationId: (object["obligation"] as? NSNumber)?.int64Value ?? 1, payload: p,
                status: .pending, attempts: 0, lastError: nil)
            try e.insert(db)
            return e.id
        }
    }
}

func deliveries(_ store: ObligationStore, receiver: String? = nil) throws -> [DeliveryRecord] {
    try store.pool.read { db in
        try DeliveryRecord.fetchAll(
            db, sql: "SELECT * FROM delivery WHERE (? IS NULL OR receiver = ?) ORDER BY id", arguments: [receiver, receiver])
    }
}

func delivery(_ store: ObligationStore, _ outboxId: String, _ receiver: String) throws -> DeliveryRecord? {
    try store.pool.read { db in
        try DeliveryRecord.fetchOne(db, sql: "SELECT * FROM delivery WHERE outboxId = ? AND receiver = ?", arguments: [outboxId, receiver])
    }
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

    init() throws {
        dir = try TempDir(prefix: "obligd-delivery")
        credentials = try TempDir(prefix: "obligd-delivery")
        store = try makeStore(dir)
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
    func pause(_ receiver: String) throws -> ReceiverPause? {
        try store.pool.read { db in try ReceiverPause.fetchOne(db, key: receiver) }
    }

    func audit(_ action: String) throws -> [AuditEntry] {
        try store.pool.read { db in
            try AuditEntry.fetchAll(db, sql: "SELECT * FROM audit WHERE action = ? ORDER BY id", arguments: [action])
        }
    }
}
