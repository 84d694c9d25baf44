import Foundation
import Store
import Synchronization
import TestSupport
import Testing

@testable import Delivery

/// Reminders never wait behind change notices; a misconfigured receiver is paused, probed and catches
/// up in order; dead letters are revived in order. Against a real Standard Webhooks server on 127.0.0.1.
@Suite(.serialized) struct LaneAndPauseTests {
    @Test func aReminderGoesAheadOfQueuedChangesButAfterOnesAboutItsObligation() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        try await addObligations(h.store, 2...12)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let changes = try await enqueue(h.store, (2...11).map { moved($0) })
        let ownChange = try await enqueue(h.store, [moved(1)])
        let reminder = try await enqueue(h.store, [payload(stage: "due")])
        let later = try await enqueue(h.store, [moved(12)])
        let d = try h.start(receivers: "[\(standardReceiver("r", server, extra: #", "ratePerMinute": 10000, "burst": 100"#))]")
        try await eventually("all delivered") { accepted.all.count == 13 }
        #expect(
            accepted.all == ownChange + reminder + changes + later,
            "the move of obligation 1 (queued first) before its reminder, then the reminder, then the other changes in order")
        #expect(try await deliveries(h.store, receiver: "r").filter { $0.outboxId == reminder[0] }.map(\.lane) == [.reminder])
        await d.stop()
        await server.stop()
    }

    /// The finding of the issue: on a DingTalk-rate receiver, routine change notices held a due
    /// reminder back for 30 s. Now the reminder takes the next token.
    @Test func aReminderTakesTheNextTokenOfARateLimitedReceiver() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        try await addObligations(h.store, 2...12)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let changes = try await enqueue(h.store, (2...12).map { moved($0) })
        let d = try h.start(receivers: "[\(standardReceiver("r", server, extra: #", "ratePerMinute": 20, "burst": 1"#))]")
        try await eventually("the first change sent") { accepted.all.count == 1 }
        let reminder = try await enqueue(h.store, [payload(stage: "due")])
        d.dispatcher.wake()
        try await eventually("the reminder is routed") { try await delivery(h.store, reminder[0], "r") != nil }
        let t = try await step(h)
        try await eventually("the next token went to the reminder") { accepted.all.count == 2 }
        #expect(accepted.all == [changes[0], reminder[0]])
        #expect(t - server.requests[0].at <= 60_000 / 19 + 1, "one token interval (60 s / 19), not eleven")
        await d.stop()
        await server.stop()
    }

    /// With a burst of 2 (the chat robots' default), change notices leave the last token to reminders:
    /// a reminder that falls due while changes drain at the limit goes without waiting for a refill.
    @Test func changesLeaveTheLastTokenToReminders() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        try await addObligations(h.store, 2...12)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let changes = try await enqueue(h.store, (2...12).map { moved($0) })
        let d = try h.start(receivers: "[\(standardReceiver("r", server, extra: #", "ratePerMinute": 20, "burst": 2"#))]")
        try await eventually("the first change sent, the next waits") { accepted.all.count == 1 && h.clock.earliestSleeper != nil }
        let reminder = try await enqueue(h.store, [payload(stage: "due")])
        d.dispatcher.wake()
        try await eventually("the reminder goes with no refill") { accepted.all.count == 2 }
        #expect(accepted.all == [changes[0], reminder[0]])
        #expect(server.requests[1].at == server.requests[0].at, "the clock did not move")
        await d.stop()
        await server.stop()
    }

    @Test func aMisconfiguredReceiverIsPausedProbedAndCatchesUpInOrderWithoutDeadLetters() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let broken = Mutex(true)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in
            broken.withLock { $0 } ? .respond(status: 401, body: "unknown endpoint key") : nil
        }
        let first = try await enqueue(h.store, [payload(stage: "before:-7d"), payload(stage: "before:-1d"), moved(1)])
        let d = try h.start(
            receivers: "[\(standardReceiver("r", server))]",
            delivery: #"{"probeInitialSeconds": 30, "probeMaxSeconds": 120, "maxAttempts": 2, "maxAgeHours": 0, "digestSeconds": 0}"#)
        try await eventually("paused") { try await h.pause("r") != nil }
        let began = try #require(try await h.pause("r"))
        #expect(began.nextProbeAt - began.since == 30_000)
        #expect(began.reason == "HTTP 401: unknown endpoint key (check the receiver's URL and credentials)")
        let queues = try await d.dispatcher.receiverQueues()
        #expect(queues.map(\.state) == [.paused] && queues.first?.pending == 3)

        // While paused nothing but the probe goes out, even a new reminder.
        let during = try await enqueue(h.store, [payload(stage: "due")])
        d.dispatcher.wake()
        try await eventually("routed") { try await delivery(h.store, during[0], "r") != nil }
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.requests.count == 1, "one request: the one that paused it")

        // Misconfigured for ten minutes: probes back off 30, 60, 120, 120 ... seconds.
        var probeTimes: [Int64] = []
        while h.clock.now() - began.since < 600_000 {
            let before = server.requests.count
            probeTimes.append(try await step(h))
            try await eventually("probe answered") {
                let probe = try await h.pause("r")?.nextProbeAt ?? 0
                return server.requests.count == before + 1 && probe > h.clock.now()
            }
        }
        let gaps = zip(probeTimes, [began.since] + probeTimes).map { $0 - $1 }
        #expect(Array(gaps.prefix(4)) == [30_000, 60_000, 120_000, 120_000])
        #expect(
            try await deliveries(h.store, receiver: "r").allSatisfy { $0.status == .pending && $0.attempts == 0 },
            "probes do not spend any message's retry budget (maxAttempts 2 would have dead-lettered it)")

        // Fixed: the next probe is accepted and everything owed goes out once, reminders first, in order.
        broken.withLock { $0 = false }
        try await step(h)
        try await eventually("caught up") {
            let all = try await deliveries(h.store, receiver: "r")
            return accepted.all.count == 4 && all.allSatisfy { $0.status == .delivered }
        }
        // All about obligation 1: its move was queued before the "due" reminder, so it goes first.
        #expect(accepted.all == [first[0], first[1], first[2], during[0]])
        #expect(try await h.pause("r") == nil)
        #expect(try await h.audit("receiver.paused").count == 1)
        #expect(try await h.audit("receiver.resumed").count == 1)
        #expect(try await h.audit("delivery.dead").isEmpty)
        await d.stop()
        await server.stop()
    }

    /// The finding of #34: a DingTalk robot paused (errcode 310000) while obligation 1 is opened,
    /// reminded four times and done got, once fixed, a digest "opened 1, done 1" and then the four
    /// reminders, so the chat read "done" and then "due" and "overdue". Now the close supersedes the
    /// reminders still queued (never sent) and the digest that carries the close says they were left out.
    @Test func aPausedReceiverNeverHearsOfAClosedObligationAsOpenAfterItsClose() async throws {
        let h = try await Harness()
        try await addObligations(h.store, 2...2)
        let broken = Mutex(true)
        let ding = try await Platform.dingtalk(token: "tok", secret: "SECgood", clock: h.clock) { _ in
            broken.withLock { $0 }
                ? .respond(status: 200, body: #"{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com]"}"#)
                : nil
        }
        try h.credential("ding", ding.url("/robot/send?access_token=tok"))
        try h.credential("ding.secret", "SECgood")
        let other = try await enqueue(h.store, [payload(obligation: 2, title: "Obligation 2", stage: "due")])
        let d = try h.start(
            receivers: #"[{"name": "ding", "format": "dingtalk", "language": "zh-CN"}]"#,
            delivery: #"{"probeInitialSeconds": 30, "probeMaxSeconds": 30, "digestSeconds": 30}"#)
        try await eventually("paused") { try await h.pause("ding") != nil }

        // While it is paused, obligation 1 is opened, reminded four times and done.
        let opened = try await enqueue(h.store, [payload(kind: "obligation.opened", stage: nil)])
        let reminders = try await enqueue(
            h.store, ["before:-7d", "due", "overdue:1", "overdue:2"].map { payload(stage: $0) })
        let done = try await enqueue(h.store, [payload(kind: "obligation.done", stage: nil)])
        d.dispatcher.wake()
        try await eventually("routed") { try await delivery(h.store, done[0], "ding") != nil }

        // Fixed: the next probe is accepted and everything owed goes out.
        broken.withLock { $0 = false }
        let fixedAt = ding.requests.count
        func caughtUp() async throws -> Bool {
            let owed = try await deliveries(h.store, receiver: "ding").contains { $0.status == .pending }
            let paused = try await h.pause("ding")
            return !owed && paused == nil
        }
        // The probe, then the digest window: each timer the dispatcher sleeps on, until nothing is owed.
        for _ in 0..<100 {
            if try await caughtUp() { break }
            if let t = h.clock.earliestSleeper { h.clock.advance(to: t) }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await caughtUp())
        try await Task.sleep(for: .milliseconds(200))
        let texts = ding.requests.dropFirst(fixedAt).map { r in
            ((r.json?["markdown"] as? [String: Any])?["text"] as? String) ?? ""
        }
        // Each message names its obligation's number (义务编号 ＃N); zh-CN messages give the rule's
        // Chinese title, not the stored one.
        let one = "＃1"
        // Per obligation 1: nothing that reads as open (a reminder) after the message that says it is done.
        let closedAt = try #require(texts.firstIndex { $0.contains("完成 1 项") }, "the close was sent: \(texts)")
        let remindedAfter = texts[(closedAt + 1)...].filter { $0.contains(one) && !$0.contains("义务变更") }
        #expect(remindedAfter.count == 0, "reminders of obligation 1 sent after the message that says it is done")
        #expect(texts.count == 2, "the other obligation's reminder (the probe), then one digest: \(texts)")
        #expect(texts.first?.contains("＃2") == true, "\(texts)")
        let digest = texts[closedAt]
        #expect(digest.contains("义务变更 2 项") && digest.contains("新增 1 项") && digest.contains("完成 1 项"), "\(digest)")
        #expect(digest.contains("另有 4 条提醒未发送"), "the digest says the reminders were left out: \(digest)")
        let states = try await deliveries(h.store, receiver: "ding")
        #expect(states.filter { reminders.contains($0.outboxId) }.map(\.status) == Array(repeating: .superseded, count: 4))
        #expect(states.filter { (other + opened + done).contains($0.outboxId) }.allSatisfy { $0.status == .delivered })
        #expect(try await h.audit("delivery.dead").isEmpty)
        await d.stop()
        await ding.stop()
    }

    /// A receiver failing transiently for ten minutes: the other receivers are told once, not per retry.
    @Test func aLongTransientFailureIsNoticedOnceByTheOthers() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (down, _) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in .respond(status: 503, body: "maintenance") }
        let (ok, okAccepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let ids = try await enqueue(h.store, [payload(stage: "due")])
        let d = try h.start(
            receivers: "[\(standardReceiver("down", down)), \(standardReceiver("ok", ok))]",
            delivery: #"{"backoffInitialSeconds": 60, "backoffMaxSeconds": 120, "maxAttempts": 100, "maxAgeHours": 48, "digestSeconds": 0}"#
        )
        try await eventually("ok has the reminder") { okAccepted.all == ids }
        let start: Int64 = h.clock.now()
        while h.clock.now() - start < 15 * 60_000 {
            let before = down.requests.count
            try await step(h)
            try await eventually("retried") { down.requests.count > before }
        }
        try await eventually("ok heard that down is failing") { okAccepted.all.count == 2 }
        #expect(try await d.dispatcher.receiverQueues().first { $0.receiver == "down" }?.state == .failing)
        let notice = try #require(ok.requests.last?.json?["data"] as? [String: Any])
        #expect(notice["kind"] as? String == "delivery.failing" && notice["receiver"] as? String == "down")
        #expect(down.requests.count > 8, "retried all along: \(down.requests.count)")
        #expect(okAccepted.all.count == 2, "one notice for the whole outage")
        await d.stop()
        await down.stop()
        await ok.stop()
    }

    @Test func resumeAndReloadProbeAPausedReceiverAtOnce() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let broken = Mutex(true)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in
            broken.withLock { $0 } ? .respond(status: 403, body: "") : nil
        }
        let ids = try await enqueue(h.store, [payload(stage: "before:-7d")])
        let d = try h.start(
            receivers: "[\(standardReceiver("r", server))]", delivery: #"{"probeInitialSeconds": 3600, "probeMaxSeconds": 3600}"#)
        try await eventually("paused") { try await h.pause("r") != nil }
        await #expect(throws: StoreError.self) { try await d.dispatcher.resume(receiver: "nobody", actor: "alice") }

        // Still broken: resume probes now, the receiver stays paused, the probe backs off.
        let q = try await d.dispatcher.resume(receiver: "r", actor: "alice")
        #expect(q.state == .paused)
        try await eventually("probed without moving the clock") { server.requests.count == 2 }
        try await eventually("still paused") { try await h.pause("r")?.probes == 1 }

        // Fixed on the platform's side; a reload probes at once and it catches up.
        broken.withLock { $0 = false }
        await d.dispatcher.reload()
        try await eventually("resumed") { try await h.pause("r") == nil }
        #expect(accepted.all == ids)
        await #expect(throws: StoreError.conflict("receiver r is not paused")) {
            try await d.dispatcher.resume(receiver: "r", actor: "alice")
        }
        #expect(try await h.audit("receiver.resume").map(\.actor) == ["alice"])
        await d.stop()
        await server.stop()
    }

    @Test func deadLettersOfAReceiverAreRetriedTogetherInTheirOrder() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        try await addObligations(h.store, 2...4)
        let reject = Mutex(true)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in
            reject.withLock { $0 } ? .respond(status: 422, body: "unprocessable") : nil
        }
        let dead = try await enqueue(h.store, [moved(2), moved(3), moved(4)])
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await eventually("all dead") { try await deliveries(h.store, receiver: "r").filter { $0.status == .dead }.count == 3 }
        #expect(try await d.dispatcher.receiverQueues().map(\.state) == [.deadLetters])
        reject.withLock { $0 = false }
        let later = try await enqueue(h.store, [moved(1)])
        d.dispatcher.wake()
        try await eventually("the newer one delivered") { accepted.all == later }
        #expect(try await d.dispatcher.retryAll(receiver: "r", actor: "alice") == 3)
        try await eventually("retried") { accepted.all.count == 4 }
        #expect(accepted.all == later + dead, "the dead letters in the order they were first queued")
        #expect(try await h.audit("delivery.retry").count == 3)
        #expect(try await d.dispatcher.receiverQueues().map(\.state) == [.ok])
        await #expect(throws: StoreError.conflict("there are no dead deliveries to r to retry")) {
            try await d.dispatcher.retryAll(receiver: "r", actor: "alice")
        }
        await d.stop()
        await server.stop()
    }
}
