import Foundation
import Store
import TestSupport
import Testing

/// Group commit on PostgreSQL (`PostgresBackend.groupWrite`): concurrent API writes share
/// transactions, and a write that fails is undone alone while the others of its group commit.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct PostgresGroupCommitTests {
    struct Refused: Error {}

    @Test func concurrentWritesShareTransactionsAndAFailureIsUndoneAlone() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let backend = PostgresBackend(configuration: try db.url.configuration(password: nil), logger: db.logger)
            try await backend.write { sql in
                try sql.execute("CREATE TABLE t (id BIGINT PRIMARY KEY)")
                try sql.execute("INSERT INTO t (id) VALUES (1000)")
            }
            // 200 writers at once: 7 inserts its row and then fails; 9 breaks the primary key.
            let outcomes = await withTaskGroup(of: (Int, Result<Int64, any Error>).self) { group in
                for i in 0..<200 {
                    group.addTask {
                        do {
                            let xid = try await backend.write { sql -> Int64 in
                                try sql.execute("INSERT INTO t (id) VALUES (?)", Int64(i == 9 ? 1000 : i))
                                if i == 7 { throw Refused() }
                                return try #require(try sql.row("SELECT txid_current()")).decode(0, "xid")
                            }
                            return (i, .success(xid))
                        } catch {
                            return (i, .failure(error))
                        }
                    }
                }
                var all: [Int: Result<Int64, any Error>] = [:]
                for await (i, outcome) in group { all[i] = outcome }
                return all
            }
            let failed = outcomes.filter { if case .failure = $0.value { true } else { false } }.keys.sorted()
            #expect(failed == [7, 9])
            let transactions = Set(outcomes.values.compactMap { try? $0.get() })
            #expect(transactions.count < 198, "198 writes in \(transactions.count) transactions")
            let stored = try await backend.read { sql in
                try sql.rows("SELECT id FROM t ORDER BY id").map { try $0.decode(0, "id") as Int64 }
            }
            #expect(stored == (0..<200).filter { $0 != 7 && $0 != 9 }.map(Int64.init) + [1000])

            // Alone in its transaction, a write that fails after writing leaves nothing either.
            await #expect(throws: Refused.self) {
                try await backend.write { sql in
                    try sql.execute("INSERT INTO t (id) VALUES (5000)")
                    throw Refused()
                }
            }
            #expect(try await backend.read { sql in try sql.row("SELECT count(*) FROM t WHERE id = 5000") }?.decode(0, "n") as Int64? == 0)
            await backend.close()
        }
    }
}
