import Foundation
import GRDB
@testable import Store
import Testing

/// The outbox payload is the contract between the recorder and delivery; the `standard` webhook
/// format forwards its bytes unchanged, so they must be stable.
@Suite struct OutboxPayloadTests {
    let obligation = Obligation(id: 7, entityId: "acme", ruleId: nil, title: "File \"A/B\"", triggerKey: "custom:1", start: "2025-06-03",
                                period: "+30wd", roll: nil, due: "2025-07-15", dueInstant: 1_752_595_200, calendars: "[]", provisional: true,
                                status: .open, nextStageIndex: nil, nextReminderAt: nil, closedOn: nil, closedNote: nil, createdAt: 0, updatedAt: 0)

    func encoded(_ p: OutboxPayload) throws -> String { String(decoding: try OutboxPayload.encoder.encode(p), as: UTF8.self) }

    @Test func aReminderPayloadHasSortedKeysAndOnlyTheFieldsOfItsKind() throws {
        let p = OutboxPayload(kind: "reminder", obligation: obligation,
                              detail: .init(stage: "before:-7d", stageKey: "before:-7d@2025-07-15", late: false, scheduledAt: 1_751_936_400, collapsed: 0))
        #expect(try encoded(p) == #"{"collapsed":0,"due":"2025-07-15","dueInstant":1752595200,"entity":"acme","kind":"reminder","late":false,"obligation":7,"provisional":true,"rule":"","scheduledAt":1751936400,"stage":"before:-7d","stageKey":"before:-7d@2025-07-15","status":"open","title":"File \"A/B\""}"#)
    }

    @Test(arguments: ["File \"A/B\"", "中文 / \u{01}\n\t\\ 🙂"])
    func theWrittenBytesAreWhatJSONEncoderGives(title: String) throws {
        var o = obligation
        o.title = title
        for detail in [OutboxPayload.Detail(), .init(stage: "overdue:2", stageKey: "overdue:2@2025-07-17", late: true, scheduledAt: -5, collapsed: 3),
                       .init(from: "2025-07-14", reason: "rule x/y changed: \"period\" +2mo -> +3mo")] {
            let p = OutboxPayload(kind: "obligation.moved", obligation: o, detail: detail)
            #expect(p.json == (try encoded(p)))
        }
    }

    @Test func aMovePayloadCarriesWhereFromAndWhy() throws {
        let p = OutboxPayload(kind: "obligation.moved", obligation: obligation, detail: .init(from: "2025-07-14", reason: "calendar cn/2025 v2 published"))
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
            try db.execute(sql: "INSERT INTO entity (id, name, zone, region, labels, createdAt) VALUES ('acme', 'Acme', 'Asia/Shanghai', 'cn', '{}', 0)")
            var o = Obligation(id: nil, entityId: "acme", ruleId: "cn.pipo.report", title: "Report \"A/B\"", triggerKey: "metric:x#1",
                               start: "2025-06-03", period: "+30wd", roll: "forward", due: "2025-07-15", dueInstant: 1_752_595_200,
                               calendars: "[\"cn/2025 v1\"]", provisional: true, status: .waived, nextStageIndex: 2, nextReminderAt: 1_752_000_000,
                               closedOn: "2025-07-01", closedNote: "n/a", createdAt: 5, updatedAt: 6)
            try o.insert(db)
        }
        let names = try db.read { db in try Row.fetchAll(db, sql: "PRAGMA table_info(obligation)").map { $0["name"] as String } }
        #expect(names == ["id", "entityId", "ruleId", "title", "triggerKey", "start", "period", "roll", "due", "dueInstant", "calendars",
                          "provisional", "status", "nextStageIndex", "nextReminderAt", "closedOn", "closedNote", "createdAt", "updatedAt"])
        #expect(names.count == Obligation.columnCount)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let positional = try db.read { db in try Obligation.fetchOne(db, sql: "SELECT * FROM obligation") }
        // Columns in another order plus one more: decoded by name.
        let named = try db.read { db in
            try Obligation.fetchOne(db, sql: "SELECT updatedAt, createdAt, closedNote, closedOn, nextReminderAt, nextStageIndex, status, provisional, calendars, dueInstant, due, roll, period, start, triggerKey, title, ruleId, entityId, id, 1 AS extra FROM obligation")
        }
        let a = try encoder.encode(try #require(positional)), b = try encoder.encode(try #require(named))
        #expect(a == b)
        #expect(positional?.status == .waived && positional?.closedNote == "n/a" && positional?.roll == "forward")
    }
}

/// The hand-written audit JSON must be byte for byte what `JSONEncoder` with sorted keys writes.
@Suite struct AuditJSONTests {
    func obligation(title: String, optionals: Bool) -> Obligation {
        Obligation(id: optionals ? 42 : nil, entityId: "acme/é", ruleId: optionals ? "cn.pipo.report" : nil, title: title, triggerKey: "event:7",
                   start: "2026-03-03T14:05:00+08:00", period: "+2mo", roll: optionals ? "forward" : nil, due: "2026-05-06", dueInstant: -1,
                   calendars: "[\"cn/2026 v1\",\"cn/2027 estimated\"]", provisional: optionals, status: optionals ? .open : .waived,
                   nextStageIndex: optionals ? 0 : nil, nextReminderAt: optionals ? 1_780_000_000 : nil, closedOn: optionals ? nil : "2026-04-01",
                   closedNote: optionals ? nil : "not in scope:\n\t\"no\" facial data \\ here \u{01}\u{1F}\u{7F} 数据 🙂", createdAt: 0, updatedAt: Int64.max)
    }

    @Test(arguments: ["File \"A/B\"", "", "中文标题 / with \u{08}\u{0C}\r\n", "\u{2028}\u{2029}"])
    func matchesJSONEncoder(title: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for optionals in [true, false] {
            let o = obligation(title: title, optionals: optionals)
            #expect(o.auditJSON == String(decoding: try encoder.encode(o), as: UTF8.self))
        }
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
