import Foundation
import Store
import Synchronization
import TestSupport
import Testing

@testable import Delivery

/// Change notices of one cause reach each receiver as one digest; reminders never wait for it.
@Suite(.serialized) struct DigestTests {
    static let digests = #"{"backoffInitialSeconds": 10, "backoffMaxSeconds": 60, "digestSeconds": 30}"#

    /// The bodies a standard receiver accepted, by webhook-id.
    func bodies(_ server: TestServer) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for r in server.requests { if let id = r.headers["webhook-id"], let json = r.json { out[id] = json } }
        return out
    }

    @Test func fiveHundredMovesAndAReminderAtOnceGiveTheReminderThenOneDigest() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        try await addObligations(h.store, 2...501)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let moves = try await enqueue(h.store, (2...501).map { moved($0) })
        let reminder = try await enqueue(h.store, [payload(stage: "due")])
        // A DingTalk-like limit: 20 a minute, a burst of 1.
        let d = try h.start(
            receivers: "[\(standardReceiver("r", server, extra: #", "ratePerMinute": 20, "burst": 1"#))]", delivery: Self.digests)
        let start: Int64 = h.clock.now()
        try await eventually("the reminder first, at once") { accepted.all == reminder }
        #expect(server.requests[0].at == start)

        // The moves wait for the window, then go as one message.
        let t = try await step(h)
        #expect(t - start == 30_000)
        try await eventually("one digest") { accepted.all.count == 2 }
        let digestId = accepted.all[1]
        let body = try #require(bodies(server)[digestId])
        #expect(body["type"] as? String == "digest")
        let data = try #require(body["data"] as? [String: Any])
        #expect(data["count"] as? Int == 500)
        #expect((data["kinds"] as? [String: Int]) == ["obligation.moved": 500])
        #expect((data["items"] as? [Any])?.count == Dispatcher.digestItems)
        let message = try #require(data["message"] as? [String: Any])
        #expect(message["title"] as? String == "500 changes to obligations: 500 moved")
        let note = try #require(message["note"] as? String)
        #expect(note == "… and 490 more. All of them: obligctl outbox list --digest \(digestId) --status all")
        #expect((message["facts"] as? [[String: String]])?.first?["label"] == "#2")
        try await eventually("every member delivered") {
            try await deliveries(h.store, receiver: "r").allSatisfy { $0.status == .delivered }
        }
        #expect(try await deliveries(h.store, receiver: "r").filter { $0.digest == digestId }.count == 500)
        // The command the note gives lists them all.
        let listed = try await d.dispatcher.store.listOutbox(filter: .all, digest: digestId, limit: 10_000)
        #expect(Set(listed.map(\.id)) == Set(moves))
        await d.stop()
        await server.stop()
    }

    @Test func aLoneChangeIsSentAsItselfAfterTheWindow() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let opened = try await enqueue(h.store, [payload(kind: "obligation.opened", stage: nil)])
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]", delivery: Self.digests)
        try await eventually("waiting for the window") { h.clock.earliestSleeper != nil }
        #expect(accepted.all.isEmpty)
        try await step(h)
        try await eventually("sent") { accepted.all == opened }
        #expect(bodies(server)[opened[0]]?["type"] as? String == "obligation.opened")
        #expect(try await deliveries(h.store).first?.digest == nil)
        await d.stop()
        await server.stop()
    }

    @Test func aReminderDoesNotWaitForTheWindowOfAChangeAboutItsObligation() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        try await addObligations(h.store, 2...2)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let changes = try await enqueue(h.store, [moved(2), moved(1)])
        let reminder = try await enqueue(h.store, [payload(stage: "due")])
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]", delivery: Self.digests)
        try await eventually("both sent without moving the clock") { accepted.all.count == 2 }
        let digestId = accepted.all[0]
        #expect(accepted.all[1] == reminder[0], "the move of obligation 1 (in a digest with the other) before its reminder")
        #expect(try await deliveries(h.store).filter { $0.digest == digestId }.map(\.outboxId).sorted() == changes.sorted())
        await d.stop()
        await server.stop()
    }

    @Test func aFailedDigestIsRetriedWholeUnderItsIdAndLaterChangesWaitForTheNext() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        try await addObligations(h.store, 2...5)
        let down = Mutex(true)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in
            down.withLock { $0 } ? .respond(status: 503, body: "") : nil
        }
        let first = try await enqueue(h.store, [moved(2), moved(3)])
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]", delivery: Self.digests)
        try await step(h)  // the window
        try await eventually("the digest failed once") { server.requests.count == 1 }
        let digestId = try #require(server.requests[0].headers["webhook-id"])
        let later = try await enqueue(h.store, [moved(4), moved(5)])
        d.dispatcher.wake()
        try await eventually("routed") { try await deliveries(h.store).count == 4 }
        down.withLock { $0 = false }
        try await step(h)  // the retry
        try await eventually("retried") { accepted.all == [digestId] }
        #expect(server.requests.map { $0.headers["webhook-id"] } == [digestId, digestId])
        #expect((bodies(server)[digestId]?["data"] as? [String: Any])?["count"] as? Int == 2, "the same members on retry")
        #expect(try await deliveries(h.store).filter { $0.digest == digestId }.map(\.outboxId).sorted() == first.sorted())
        // The later two wait a window after the first digest, then go as the next one.
        let t = try await step(h)
        try await eventually("next digest") { accepted.all.count == 2 }
        #expect(try await deliveries(h.store).filter { $0.digest == accepted.all[1] }.map(\.outboxId).sorted() == later.sorted())
        #expect(t >= server.requests[0].at + 30_000)
        await d.stop()
        await server.stop()
    }

    /// obligd killed in the middle of a digest window: after the restart the window's notices go as one
    /// digest, once.
    @Test func aRestartInTheWindowLosesNothingAndSendsNothingTwice() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        try await addObligations(h.store, 2...4)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let changes = try await enqueue(h.store, [moved(2), moved(3), moved(4)])
        var d = try h.start(receivers: "[\(standardReceiver("r", server))]", delivery: Self.digests)
        try await eventually("routed, waiting for the window") {
            try await deliveries(h.store).count == 3 && h.clock.earliestSleeper != nil
        }
        await d.stop()
        d = try h.start(receivers: "[\(standardReceiver("r", server))]", delivery: Self.digests)
        try await step(h)
        try await eventually("one digest") { try await allDelivered(h.store) && accepted.all.count == 1 }
        #expect(server.requests.count == 1)
        #expect(try await deliveries(h.store).map(\.outboxId).sorted() == changes.sorted())
        await d.stop()
        await server.stop()
    }
}
