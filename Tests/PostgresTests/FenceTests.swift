import PostgresNIO
import Store
import TestSupport
import Testing

/// The fence: a claim commits only in a transaction that saw its lease current, and a takeover waits
/// for such a transaction, so a leader that lost its lease can never commit a claim afterwards.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct FenceTests {
    /// A table standing for a claim (a ledger row, a delivery) the leader writes under the fence.
    static func makeClaims(_ db: TestDatabase) async throws {
        try await db.connect().query("CREATE TABLE claims (who text NOT NULL)", logger: db.logger)
    }

    /// Who wrote a claim that committed, read on a new connection (so only what committed shows).
    static func claims(_ db: TestDatabase) async throws -> [String] {
        var who: [String] = []
        for try await w in try await db.connect().query("SELECT who FROM claims ORDER BY who", logger: db.logger).decode(String.self) {
            who.append(w)
        }
        return who
    }

    /// The server process serving `connection`, to ask `pg_blocking_pids` what blocks it.
    static func backendPID(_ connection: PostgresConnection, _ db: TestDatabase) async throws -> Int32? {
        for try await pid in try await connection.query("SELECT pg_backend_pid()", logger: db.logger).decode(Int32.self) { return pid }
        return nil
    }

    @Test func theHoldersFencedWriteCommitsAndABodysErrorRollsItBack() async throws {
        try await TestDatabase.with { db in
            try await Self.makeClaims(db)
            let a = try await db.node()
            let lease = try #require(try await a.acquire(node: "a", ttl: .seconds(30)))
            let n = try await fenced(a.connection, lease, logger: db.logger) { c in
                try await c.query("INSERT INTO claims VALUES ('a')", logger: db.logger)
                return 1
            }
            #expect(n == 1)
            await #expect(throws: TestFailure.self) {
                try await fenced(a.connection, lease, logger: db.logger) { c in
                    try await c.query("INSERT INTO claims VALUES ('rolled back')", logger: db.logger)
                    throw TestFailure("the body failed")
                }
            }
            #expect(try await Self.claims(db) == ["a"])
        }
    }

    @Test func afterATakeoverTheOldHoldersFencedWriteThrowsLeaseLostAndWritesNothing() async throws {
        try await TestDatabase.with { db in
            try await Self.makeClaims(db)
            let (a, b) = (try await db.node(), try await db.node())
            let old = try #require(try await a.acquire(node: "a", ttl: .seconds(1)))
            try await Task.sleep(for: .milliseconds(1100))
            // Expired but not taken over: a is still the only node that led under its epoch (the
            // database server's clock may have jumped), so its claim commits.
            #expect(try await b.current()?.isHeld == false)
            try await fenced(a.connection, old, logger: db.logger) { c in
                try await c.query("INSERT INTO claims VALUES ('a, expired')", logger: db.logger)
                return
            }
            let new = try #require(try await b.acquire(node: "b", ttl: .seconds(30)))
            let lost = try await #require(throws: LeaseLost.self) {
                try await fenced(a.connection, old, logger: db.logger) { c in
                    try await c.query("INSERT INTO claims VALUES ('a, taken over')", logger: db.logger)
                }
            }
            #expect(lost.found?.holder == "b" && lost.found?.epoch == new.epoch && lost.found?.live == true)
            #expect(lost.description.contains("must not act as leader"))
            try await fenced(b.connection, new, logger: db.logger) { c in
                try await c.query("INSERT INTO claims VALUES ('b')", logger: db.logger)
                return
            }
            #expect(try await Self.claims(db) == ["a, expired", "b"])
        }
    }

    /// A node that lets its lease expire and acquires it again leads under a new epoch: a claim of
    /// its previous term (a task that was still running) is fenced out like another node's.
    @Test func aStaleEpochOfTheSameHolderIsFencedOut() async throws {
        try await TestDatabase.with { db in
            try await Self.makeClaims(db)
            let a = try await db.node()
            let old = try #require(try await a.acquire(node: "a", ttl: .seconds(1)))
            try await Task.sleep(for: .milliseconds(1100))
            let new = try #require(try await a.acquire(node: "a", ttl: .seconds(30)))
            #expect(new.epoch == old.epoch + 1)
            let lost = try await #require(throws: LeaseLost.self) {
                try await fenced(a.connection, old, logger: db.logger) { c in
                    try await c.query("INSERT INTO claims VALUES ('a, old term')", logger: db.logger)
                }
            }
            #expect(lost.found?.holder == "a" && lost.found?.epoch == new.epoch && lost.found?.live == true)
            #expect(try await Self.claims(db) == [])
        }
    }

    /// Node a is inside a fenced transaction when its lease expires and node b tries to take over:
    /// b's UPDATE of the lease row waits (a's transaction sees b blocked by it: `pg_blocking_pids`) until a
    /// commits; only then does b get epoch 2. Without `FOR SHARE`, b would take over at once, a
    /// would never see b wait, and the order below would differ.
    @Test func aFencedTransactionInFlightHoldsOffATakeoverUntilItCommits() async throws {
        try await TestDatabase.with { db in
            try await Self.makeClaims(db)
            let (a, b) = (try await db.node(), try await db.node())
            let bPID = try #require(try await Self.backendPID(b.connection, db))
            let log = EventLog()
            let lease = try #require(try await a.acquire(node: "a", ttl: .seconds(1)))
            async let takeover: LeaderLease? = {
                try await eventually("a's lease expires", timeout: .seconds(5)) { try await b.current()?.isHeld == false }
                await log.append("b tries")
                let got = try await b.acquire(node: "b", ttl: .seconds(30))
                await log.append("b acquired epoch \(got?.epoch ?? 0)")
                return got
            }()
            try await fenced(a.connection, lease, logger: db.logger) { c in
                try await c.query("INSERT INTO claims VALUES ('a')", logger: db.logger)
                await log.append("a fenced")
                // Polls from inside the transaction, so it never sits idle past the lease's ttl; asks
                // whether b's backend is blocked by this one (other tests' locks do not count).
                try await poll(timeout: .seconds(4)) {
                    let rows = try await c.query("SELECT pg_backend_pid() = ANY(pg_blocking_pids(\(bPID)))", logger: db.logger)
                    for try await blocked in rows.decode(Bool.self) { return blocked }
                    return false
                }
                await log.append("a commits")
            }
            let new = try await takeover
            let events = await log.events
            #expect(events == ["a fenced", "b tries", "a commits", "b acquired epoch 2"])
            #expect(new?.epoch == 2)
            #expect(try await Self.claims(db) == ["a"])
        }
    }

    /// Node a stalls inside a fenced transaction (as if SIGSTOPped) longer than its lease: the server
    /// ends a's session after one ttl idle, b takes over, what a wrote is gone, and a's COMMIT
    /// fails at once instead of hanging (postgres-nio 1.33.2 hangs on a closed connection).
    @Test func aStalledFencedTransactionHoldsOffATakeoverForOneTTLAtMost() async throws {
        try await TestDatabase.with { db in
            try await Self.makeClaims(db)
            let (a, b) = (try await db.node(), try await db.node())
            let log = EventLog()
            let lease = try #require(try await a.acquire(node: "a", ttl: .seconds(1)))
            async let takeover: LeaderLease? = {
                var got: LeaderLease?
                try await eventually("b takes over", timeout: .seconds(3)) {
                    got = try await b.acquire(node: "b", ttl: .seconds(30))
                    return got != nil
                }
                await log.append("b acquired epoch \(got?.epoch ?? 0)")
                return got
            }()
            await #expect(throws: PostgresFailure.disconnected) {
                try await fenced(a.connection, lease, logger: db.logger) { c in
                    try await c.query("INSERT INTO claims VALUES ('a')", logger: db.logger)
                    try await Task.sleep(for: .milliseconds(2500))
                    await log.append("a wakes")
                }
            }
            #expect(try await takeover?.epoch == 2)
            let events = await log.events
            #expect(events == ["b acquired epoch 2", "a wakes"])
            #expect(try await Self.claims(db) == [])
        }
    }
}
