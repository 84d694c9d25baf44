import AuditChain
import DeadlineKit
import Foundation
import GRDB
import Rules
import Testing

@testable import Store

/// The outbox payload is the contract between the recorder and delivery; the `standard` webhook
/// format forwards its bytes unchanged, so they must be stable.
@Suite struct OutboxPayloadTests {
    let obligation = Obligation(
        id: 7, entityId: "acme", ruleId: nil, title: "File \"A/B\"", triggerKey: .custom("1"), start: .day(day("2025-06-03")),
        period: period("+30wd"), roll: nil, due: day("2025-07-15"), dueInstant: 1_752_595_200, calendars: CalendarList([]),
        provisional: true,
        status: .open, nextStageIndex: nil, nextReminderAt: nil, closedOn: nil, closedNote: nil, createdAt: 0, updatedAt: 0)

    func encoded(_ p: OutboxPayload) throws -> String {
        String(decoding: try JSONEncoderOracle.encoder.encode(JSONEncoderOracle(p)), as: UTF8.self)
    }

    @Test func aReminderPayloadHasSortedKeysAndOnlyTheFieldsOfItsKind() throws {
        let p = OutboxPayload(
            kind: .reminder, obligation: obligation,
            detail: .init(stage: "before:-7d", stageKey: "before:-7d@2025-07-15", late: false, scheduledAt: 1_751_936_400, collapsed: 0))
        #expect(
            try encoded(p)
                == #"{"collapsed":0,"due":"2025-07-15","dueInstant":1752595200,"entity":"acme","kind":"reminder","late":false,"obligation":7,"provisional":true,"rule":"","scheduledAt":1751936400,"stage":"before:-7d","stageKey":"before:-7d@2025-07-15","status":"open","title":"File \"A/B\""}"#
        )
    }

    @Test(arguments: ["File \"A/B\"", "中文 / \u{01}\n\t\\ 🙂"])
    func theWrittenBytesAreWhatJSONEncoderGives(title: String) throws {
        var o = obligation
        o.title = title
        for detail in [
            OutboxPayload.Detail(), .init(stage: "overdue:2", stageKey: "overdue:2@2025-07-17", late: true, scheduledAt: -5, collapsed: 3),
            .init(from: "2025-07-14", reason: "rule x/y changed: \"period\" +2mo -> +3mo")
        ] {
            let p = OutboxPayload(kind: .moved, obligation: o, detail: detail)
            #expect(p.json == (try encoded(p)))
        }
    }

    @Test(arguments: NotificationKind.outboxKinds.filter { $0 != .agenda })
    func whatJSONWritesReadReadsBack(kind: NotificationKind) throws {
        let detail: OutboxPayload.Detail =
            kind == .reminder
            ? .init(stage: "overdue:2", stageKey: "overdue:2@2025-07-17", late: true, scheduledAt: -5, collapsed: 3)
            : .init(from: "2025-07-14", reason: "why \"/\" 中文", receiver: "r", error: "HTTP 500")
        let p = OutboxPayload(kind: kind, obligation: obligation, detail: detail)
        guard case let .notice(back) = try OutboxPayload.read(p.json, outboxId: "x") else {
            Issue.record("not a notice")
            return
        }
        #expect(back == p)
    }

    @Test func aMovePayloadCarriesWhereFromAndWhy() throws {
        let p = OutboxPayload(
            kind: .moved, obligation: obligation, detail: .init(from: "2025-07-14", reason: "calendar cn/2025 v2 published"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try encoded(p).utf8)) as? [String: Any])
        #expect(object["from"] as? String == "2025-07-14")
        #expect(object["reason"] as? String == "calendar cn/2025 v2 published")
        #expect(object["stage"] == nil && object["late"] == nil)
    }
}

/// Obligations are decoded by column position from `SELECT *`: the table's columns must stay in the
/// order `Obligation.init(row:)` reads them, and positional and named decoding must agree.
@Suite struct ObligationRowTests {
    @Test func positionalAndNamedDecodingAgreeWithTheSchema() throws {
        let db = try DatabaseQueue()
        try Schema.migrator.migrate(db)
        try db.write { db in
            try db.execute(
                sql:
                    "INSERT INTO entity (id, name, zone, region, labels, createdAt) VALUES ('acme', 'Acme', 'Asia/Shanghai', 'cn', '{}', 0)"
            )
            var o = Obligation(
                id: nil, entityId: "acme", ruleId: "cn.pipo.report", title: "Report \"A/B\"", triggerKey: .metric("x", crossing: 1),
                start: .day(day("2025-06-03")), period: period("+30wd"), roll: .forward, due: day("2025-07-15"),
                dueInstant: 1_752_595_200, calendars: CalendarList(["cn/2025 v1"]), provisional: true, status: .waived,
                nextStageIndex: 2, nextReminderAt: 1_752_000_000, closedOn: day("2025-07-01"), closedNote: "n/a",
                createdAt: 5, updatedAt: 6)
            try o.insert(db)
        }
        let names = try db.read { db in try Row.fetchAll(db, sql: "PRAGMA table_info(obligation)").map { $0["name"] as String } }
        #expect(
            names == [
                "id", "entityId", "ruleId", "title", "triggerKey", "start", "period", "roll", "due", "dueInstant", "calendars",
                "provisional", "status", "nextStageIndex", "nextReminderAt", "closedOn", "closedNote", "createdAt", "updatedAt"
            ])
        #expect(names.count == Obligation.columnCount)
        let positional = try db.read { db in try Obligation.fetchOne(db, sql: "SELECT * FROM obligation") }
        // Columns in another order plus one more: decoded by name.
        let named = try db.read { db in
            try Obligation.fetchOne(
                db,
                sql:
                    "SELECT updatedAt, createdAt, closedNote, closedOn, nextReminderAt, nextStageIndex, status, provisional, calendars, dueInstant, due, roll, period, start, triggerKey, title, ruleId, entityId, id, 1 AS extra FROM obligation"
            )
        }
        let a = try #require(positional).auditJSON, b = try #require(named).auditJSON
        #expect(a == b)
        #expect(positional?.status == .waived && positional?.closedNote == "n/a" && positional?.roll == .forward)
        #expect(positional?.triggerKey == .metric("x", crossing: 1) && positional?.calendars.years == ["cn/2025 v1"])
        // The typed columns are stored as the text they always were.
        let stored = try db.read { db in
            try Row.fetchOne(db, sql: "SELECT triggerKey, start, period, roll, due, calendars, closedOn FROM obligation")
        }
        #expect(
            stored.map { Array($0.databaseValues.map { $0.storage.value as? String }) }
                == ["metric:x#1", "2025-06-03", "+30wd", "forward", "2025-07-15", "[\"cn/2025 v1\"]", "2025-07-01"])
    }

    @Test func aStoredValueThatDoesNotParseIsAnErrorNotACrash() throws {
        let db = try DatabaseQueue()
        try Schema.migrator.migrate(db)
        try db.write { db in
            try db.execute(
                sql:
                    "INSERT INTO entity (id, name, zone, region, labels, createdAt) VALUES ('acme', 'Acme', 'Asia/Shanghai', 'cn', '{}', 0)"
            )
            try db.execute(
                sql: """
                    INSERT INTO obligation (entityId, title, triggerKey, start, period, due, dueInstant, calendars, provisional, status, createdAt, updatedAt)
                    VALUES ('acme', 't', 'custom:1', '2025-06-03', '+30wd', '2025-13-40', 0, '[]', 0, 'open', 0, 0)
                    """)
        }
        #expect(throws: StoreError.self) { try db.read { db in try Obligation.fetchOne(db, sql: "SELECT * FROM obligation") } }
    }
}

/// The hand-written audit JSON must be byte for byte what `JSONEncoder` with sorted keys writes.
@Suite struct AuditJSONTests {
    func obligation(title: String, optionals: Bool) -> Obligation {
        Obligation(
            id: optionals ? 42 : nil, entityId: "acme/é", ruleId: optionals ? "cn.pipo.report" : nil, title: title, triggerKey: .event(7),
            start: try! Start(parsing: "2026-03-03T14:05:00+08:00"), period: period("+2mo"), roll: optionals ? .forward : nil,
            due: day("2026-05-06"), dueInstant: -1, calendars: CalendarList(["cn/2026 v1", "cn/2027 estimated"]),
            provisional: optionals, status: optionals ? .open : .waived,
            nextStageIndex: optionals ? 0 : nil, nextReminderAt: optionals ? 1_780_000_000 : nil,
            closedOn: optionals ? nil : day("2026-04-01"),
            closedNote: optionals ? nil : "not in scope:\n\t\"no\" facial data \\ here \u{01}\u{1F}\u{7F} 数据 🙂", createdAt: 0,
            updatedAt: Int64.max)
    }

    @Test(arguments: ["File \"A/B\"", "", "中文标题 / with \u{08}\u{0C}\r\n", "\u{2028}\u{2029}"])
    func matchesJSONEncoder(title: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for optionals in [true, false] {
            let o = obligation(title: title, optionals: optionals)
            #expect(o.auditJSON == String(decoding: try encoder.encode(ObligationOracle(o)), as: UTF8.self))
        }
    }
}

/// The oracle for the hand-written `OutboxPayload.json`: what `JSONEncoder` with sorted keys gives for
/// the same fields (the detail's at the top level, only those present).
struct JSONEncoderOracle: Encodable {
    let p: OutboxPayload
    init(_ p: OutboxPayload) { self.p = p }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    enum CodingKeys: String, CodingKey {
        case collapsed, due, dueInstant, entity, error, from, kind, late, obligation, provisional, reason, receiver, rule, scheduledAt,
            stage, stageKey, status, title
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(p.detail.collapsed, forKey: .collapsed)
        try c.encode(p.due, forKey: .due)
        try c.encode(p.dueInstant, forKey: .dueInstant)
        try c.encode(p.entity, forKey: .entity)
        try c.encodeIfPresent(p.detail.error, forKey: .error)
        try c.encodeIfPresent(p.detail.from, forKey: .from)
        try c.encode(p.kind.rawValue, forKey: .kind)
        try c.encodeIfPresent(p.detail.late, forKey: .late)
        try c.encode(p.obligation, forKey: .obligation)
        try c.encode(p.provisional, forKey: .provisional)
        try c.encodeIfPresent(p.detail.reason, forKey: .reason)
        try c.encodeIfPresent(p.detail.receiver, forKey: .receiver)
        try c.encode(p.rule, forKey: .rule)
        try c.encodeIfPresent(p.detail.scheduledAt, forKey: .scheduledAt)
        try c.encodeIfPresent(p.detail.stage, forKey: .stage)
        try c.encodeIfPresent(p.detail.stageKey, forKey: .stageKey)
        try c.encode(p.status, forKey: .status)
        try c.encode(p.title, forKey: .title)
    }
}

func day(_ text: String) -> CivilDate { try! CivilDate(parsing: text) }
func period(_ text: String) -> Period { try! Period(parsing: text) }

/// The oracle for the hand-written audit JSON: the obligation's stored (text) values through
/// `JSONEncoder`, optionals omitted when nil.
struct ObligationOracle: Encodable {
    let id: Int64?, entityId: String, ruleId: String?, title: String, triggerKey: String, start: String, period: String
    let roll: String?, due: String, dueInstant: Int64, calendars: String, provisional: Bool, status: String
    let nextStageIndex: Int?, nextReminderAt: Int64?, closedOn: String?, closedNote: String?, createdAt: Int64, updatedAt: Int64

    init(_ o: Obligation) {
        id = o.id
        entityId = o.entityId
        ruleId = o.ruleId
        title = o.title
        triggerKey = o.triggerKey.description
        start = o.start.description
        period = o.period.description
        roll = o.roll?.rawValue
        due = o.due.description
        dueInstant = o.dueInstant
        calendars = o.calendars.json
        provisional = o.provisional
        status = o.status.rawValue
        nextStageIndex = o.nextStageIndex
        nextReminderAt = o.nextReminderAt
        closedOn = o.closedOn?.description
        closedNote = o.closedNote
        createdAt = o.createdAt
        updatedAt = o.updatedAt
    }
}

/// Audit rows written before the chain existed are chained by the v7 migration, in id order, and new
/// rows chain on from them (#13).
@Suite struct AuditChainMigrationTests {
    @Test func rowsFromBeforeTheChainAreChainedAndNewRowsFollow() throws {
        let db = try DatabaseQueue()
        try Schema.migrator.migrate(db, upTo: "v6-agenda")
        try db.write { db in
            for i in 1...3 {
                try db.execute(
                    sql:
                        "INSERT INTO audit (at, actor, action, subject, before, after, note) VALUES (?, 'alice', 'entity.created', ?, NULL, ?, NULL)",
                    arguments: [i, "entity:e\(i)", "{\"id\":\"e\(i)\"}"])
            }
        }
        try Schema.migrator.migrate(db)
        try db.write { db in
            try AuditTrail.append(
                SQLiteSession(db), at: 9, actor: "bob", action: .obligationDone, subject: "obligation:1", before: nil, after: nil,
                note: "filed")
        }
        let rows = try db.read { db in try AuditEntry.order(Column("id")).fetchAll(db) }
        #expect(rows.count == 4 && rows.allSatisfy { $0.hash?.count == 64 })
        let chain = rows.map {
            (
                row: AuditChain.Row(
                    id: $0.id!, at: $0.at, actor: $0.actor, action: $0.action, subject: $0.subject,
                    before: $0.before, after: $0.after, note: $0.note), hash: $0.hash!
            )
        }
        #expect(AuditChain.firstBroken(chain) == nil)
        var tampered = chain
        tampered[1].row.note = "edited"
        #expect(AuditChain.firstBroken(tampered)?.row.id == 2)
    }
}

/// Every acknowledged write must be synced at its commit: the writer runs with synchronous=FULL, not
/// the NORMAL that GRDB's DatabasePool sets when it turns WAL on.
@Suite struct DurabilityTests {
    @Test func theWriterCommitsWithSynchronousFull() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("obligd-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObligationStore(path: dir.appendingPathComponent("db.sqlite").path)
        let mode = try store.pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(mode == 2)  // FULL
        let journal = try store.pool.writeWithoutTransaction { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(journal == "wal")
    }
}
