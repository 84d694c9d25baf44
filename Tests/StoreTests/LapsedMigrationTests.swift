import GRDB
import Testing

@testable import Store

/// SQLite cannot change a CHECK in place, so v15 builds the obligation table again to let an
/// obligation lapse (#31). A state written before it keeps every row, id and index, accepts
/// `lapsed` after it, and still refuses a status no version knows.
struct LapsedMigrationTests {
    static let insert = """
        INSERT INTO obligation (id, entityId, ruleId, title, triggerKey, start, period, due, dueInstant, calendars, provisional,
          status, closedOn, closedNote, createdAt, updatedAt)
        VALUES (?, 'acme', 'cn.pi-export.certificate-renewal', 'Renew', 'event:1', '2028-12-31', '-6mo', '2028-06-30', 1845907200,
          '2028', 0, ?, NULL, NULL, 0, 0)
        """

    @Test func v15LetsAnObligationLapseAndKeepsEveryRowAndIndex() throws {
        let db = try DatabaseQueue()
        try Schema.migrator.migrate(db, upTo: "v13-web")
        let indexesBefore = try db.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'obligation' ORDER BY name")
        }
        try db.write { db in
            try db.execute(sql: "INSERT INTO entity (id, name, createdAt) VALUES ('acme', 'Acme', 0)")
            try db.execute(sql: Self.insert, arguments: [7, "open"])
            try db.execute(sql: Self.insert.replacingOccurrences(of: "event:1", with: "event:2"), arguments: [9, "done"])
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE obligation SET status = 'lapsed' WHERE id = 7") }
        }
        try Schema.migrator.migrate(db)
        try db.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, status, triggerKey FROM obligation ORDER BY id")
            #expect(rows.map { $0["id"] as Int64 } == [7, 9])
            #expect(rows.map { $0["status"] as String } == ["open", "done"])
            try db.execute(sql: "UPDATE obligation SET status = 'lapsed' WHERE id = 7")
            #expect(try String.fetchOne(db, sql: "SELECT status FROM obligation WHERE id = 7") == "lapsed")
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE obligation SET status = 'gone' WHERE id = 7") }
            // The unique key (entity, rule, trigger) still holds.
            #expect(throws: DatabaseError.self) { try db.execute(sql: Self.insert, arguments: [nil, "open"]) }
            let indexesAfter = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'obligation' ORDER BY name")
            #expect(indexesAfter == indexesBefore && indexesAfter.contains("obligation_open_due"))
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
        }
    }
}
