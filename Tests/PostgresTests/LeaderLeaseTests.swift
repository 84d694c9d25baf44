import Foundation
import PostgresNIO
import Store
import TestSupport
import Testing

/// The leader's lease: one holder at a time, a new epoch for each new holder, expiry by the
/// database's clock.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct LeaderLeaseTests {
    @Test func ofTwoNodesOnlyOneAcquiresAndItsOwnAcquireKeepsTheEpoch() async throws {
        try await TestDatabase.with { db in
            let (a, b) = (try await db.node(), try await db.node())
            async let gotA = a.acquire(node: "a", ttl: .seconds(30))
            async let gotB = b.acquire(node: "b", ttl: .seconds(30))
            let winners = [try await gotA, try await gotB].compactMap { $0 }
            #expect(winners.map(\.epoch) == [1])
            let winner = try #require(winners.first)
            let (mine, other) = winner.holder == "a" ? (a, b) : (b, a)
            #expect(try await other.acquire(node: winner.holder == "a" ? "b" : "a", ttl: .seconds(30)) == nil)
            #expect(try await mine.acquire(node: winner.holder, ttl: .seconds(30)) == winner)
            let status = try #require(try await other.current())
            #expect(status.holder == winner.holder && status.epoch == 1 && status.isHeld)
            #expect(status.expiresIn > .seconds(25) && status.heldFor < .seconds(5))
        }
    }

    @Test func afterExpiryAnotherNodeTakesOverWithTheNextEpochAndTheOldRenewFails() async throws {
        try await TestDatabase.with { db in
            let (a, b) = (try await db.node(), try await db.node())
            let old = try #require(try await a.acquire(node: "a", ttl: .seconds(1)))
            #expect(try await a.renew(old))
            #expect(try await b.acquire(node: "b", ttl: .seconds(1)) == nil)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await b.current()?.isHeld == false)
            let new = try #require(try await b.acquire(node: "b", ttl: .seconds(30)))
            #expect(new.epoch == old.epoch + 1)
            #expect(try await a.renew(old) == false)
            #expect(try await b.renew(new))
            #expect(try await a.acquire(node: "a", ttl: .seconds(1)) == nil)
            let status = try #require(try await a.current())
            #expect(status.holder == "b" && status.epoch == 2)
        }
    }

    /// The database server's clock jumped past the lease (here: the lease simply ran out) and no node
    /// took over: its holder renews it under the same epoch and goes on leading, and the lease is
    /// held again, so a takeover must wait for it to expire anew.
    @Test func anExpiredLeaseNobodyTookIsRenewedByItsHolderUnderTheSameEpoch() async throws {
        try await TestDatabase.with { db in
            let (a, b) = (try await db.node(), try await db.node())
            let old = try #require(try await a.acquire(node: "a", ttl: .seconds(1)))
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await b.current()?.isHeld == false)
            #expect(try await a.renew(old))
            let status = try #require(try await b.current())
            #expect(status.holder == "a" && status.epoch == old.epoch && status.isHeld)
            #expect(try await b.acquire(node: "b", ttl: .seconds(1)) == nil)
        }
    }

    @Test func aReleasedLeaseIsFreeAtOnceAndAnExpiredOneOfOurOwnGetsANewEpoch() async throws {
        try await TestDatabase.with { db in
            let (a, b) = (try await db.node(), try await db.node())
            let first = try #require(try await a.acquire(node: "a", ttl: .seconds(30)))
            try await a.release(first)
            let second = try #require(try await b.acquire(node: "b", ttl: .seconds(1)))
            #expect(second.epoch == 2)
            try await a.release(first)  // lost already: changes nothing
            #expect(try await b.current()?.isHeld == true)
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await b.acquire(node: "b", ttl: .seconds(30))?.epoch == 3)
        }
    }

    /// The lease's times are the database's clock when the statement runs (`clock_timestamp()`), not
    /// when its transaction began (`now()`, which stands still): an acquire that waited for the row
    /// (a stalled leader's transaction held it) must see that the lease expired meanwhile, and must
    /// give the new lease its whole length from then. Here the statement runs 1.2 s into a
    /// transaction: its times are 1.2 s past the transaction's start, and the lease is 10 s long.
    @Test func theLeaseTimesAreTheDatabaseClockWhenTheStatementRuns() async throws {
        try await TestDatabase.with { db in
            let node = try await db.node()
            let c = node.connection
            try await c.query("BEGIN", logger: db.logger)
            var start: Date?
            for try await t in try await c.query("SELECT now()", logger: db.logger).decode(Date.self) { start = t }
            try await Task.sleep(for: .milliseconds(1200))
            let lease = try #require(try await node.acquire(node: "a", ttl: .seconds(10)))
            let nodeNow = Date()
            var stored: (Date, Date)?
            for try await row in try await c.query("SELECT acquired_at, expires_at FROM leader_lease", logger: db.logger).decode(
                (Date, Date).self)
            {
                stored = row
            }
            try await c.query("COMMIT", logger: db.logger)
            let (acquired, expires) = try #require(stored)
            #expect(lease.epoch == 1)
            #expect(acquired.timeIntervalSince(try #require(start)) > 1.1)
            #expect(abs(expires.timeIntervalSince(acquired) - 10) < 0.01)
            #expect(abs(nodeNow.timeIntervalSince(acquired)) < 0.5)
        }
    }
}
