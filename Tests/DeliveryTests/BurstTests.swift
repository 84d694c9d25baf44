import Foundation
import Store
import TestSupport
import Testing

/// A burst is the order `deliveryHead` gives one message at a time: reminders first, each after the
/// change notices about its obligation queued before it (taken along only when digests are off), and
/// it ends before a message that is not ready.
@Suite struct BurstTests {
    /// Queued in this order: change 2, change 1, reminder 1, reminder 5, reminder 2, change 9.
    func queue() async throws -> (Harness, [String: String]) {
        let h = try await Harness()
        try await addObligations(h.store, 2...9)
        let ids = try await enqueue(
            h.store,
            [
                moved(2), moved(1), payload(obligation: 1, stage: "due"), payload(obligation: 5, stage: "due"),
                payload(obligation: 2, stage: "due"), moved(9)
            ])
        let names = ["c2", "c1", "r1", "r5", "r2", "c9"]
        let routings = zip(ids, names).map { id, name in
            DeliveryRouting(outboxId: id, receivers: ["r"], lane: name.hasPrefix("r") ? .reminder : .change)
        }
        try await h.store.dispatch(routings, invalid: [], now: 1000)
        return (h, Dictionary(uniqueKeysWithValues: zip(ids, names)))
    }

    func names(_ burst: [DeliveryHead], _ names: [String: String]) -> [String] {
        burst.map { (names[$0.outbox.id] ?? "?") + ($0.aheadOfReminder ? "^" : "") }
    }

    @Test func withChangesABurstTakesTheChangesThatGoBeforeEachReminder() async throws {
        let (h, n) = try await queue()
        let burst = try await h.store.deliveryBurst(receiver: "r", now: 2000, limit: 10, withChanges: true)
        #expect(names(burst, n) == ["c1^", "r1", "r5", "c2^", "r2"])
        let three = try await h.store.deliveryBurst(receiver: "r", now: 2000, limit: 3, withChanges: true)
        #expect(names(three, n) == ["c1^", "r1", "r5"])
    }

    @Test func withDigestsTheChangeAheadOfAReminderGoesAlone() async throws {
        let (h, n) = try await queue()
        let burst = try await h.store.deliveryBurst(receiver: "r", now: 2000, limit: 10, withChanges: false)
        #expect(names(burst, n) == ["c1^"])
    }

    @Test func aBurstEndsBeforeAMessageWaitingForItsRetry() async throws {
        let (h, n) = try await queue()
        let r5 = n.first { $0.value == "r5" }!.key
        // r5's first attempt failed at 1500; its retry is due at 9000, as the dispatcher records it.
        var failed = try #require(try await delivery(h.store, r5, "r"))
        failed.attempts = 1
        failed.firstAttemptAt = 1500
        failed.lastAttemptAt = 1500
        failed.lastError = "HTTP 503"
        failed.nextAttemptAt = 9000
        try await h.store.recordDelivery(failed, auditNote: nil)
        let burst = try await h.store.deliveryBurst(receiver: "r", now: 2000, limit: 10, withChanges: true)
        #expect(names(burst, n) == ["c1^", "r1"])
    }

    @Test func afterTheRemindersTheChangeLaneGoesInOrder() async throws {
        let (h, n) = try await queue()
        let reminders = try await deliveries(h.store, receiver: "r").filter { $0.lane == .reminder || n[$0.outboxId] == "c1" }
        try await h.store.recordDeliveries(
            reminders.map {
                var d = $0
                d.status = .delivered
                return d
            })
        let burst = try await h.store.deliveryBurst(receiver: "r", now: 2000, limit: 10, withChanges: true)
        #expect(names(burst, n) == ["c2", "c9"])
        let alone = try await h.store.deliveryBurst(receiver: "r", now: 2000, limit: 10, withChanges: false)
        #expect(names(alone, n) == ["c2"])
    }
}
