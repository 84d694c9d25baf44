import DeadlineKit
import Foundation
import Store
import Synchronization
import TestSupport
import Testing

@testable import Delivery

let whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

/// Moves the manual clock to the dispatcher's next timer once it has gone to sleep on one.
@discardableResult
func step(_ h: Harness) async throws -> Int64 {
    try await eventually("the dispatcher sleeps on a timer") { h.clock.earliestSleeper != nil }
    let t = h.clock.earliestSleeper!
    h.clock.advance(to: t)
    return t
}

func standardReceiver(_ name: String, _ server: TestServer, extra: String = "") -> String {
    #"{"name": "\#(name)", "format": "standard", "url": "\#(server.url("/\(name)"))", "secretFile": "hooks.secret"\#(extra)}"#
}

@Suite(.serialized) struct DispatcherTests {
    @Test func aTimeoutIsRetried() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { n, _ in n == 0 ? .hang(seconds: 4) : nil }
        let ids = try await enqueue(h.store, [payload()])
        let d = try h.start(receivers: "[\(standardReceiver("slow", server, extra: #", "timeoutSeconds": 1"#))]")
        try await eventually("timed out once") { try await delivery(h.store, ids[0], "slow")?.attempts == 1 }
        let r = try #require(try await delivery(h.store, ids[0], "slow"))
        #expect(r.status == .pending)
        #expect(r.lastHTTPStatus == nil)
        #expect(r.lastError?.hasPrefix("timeout: no answer within 1") == true, "\(r.lastError ?? "nil")")
        h.clock.advance(to: r.nextAttemptAt)
        try await eventually("delivered") { try await delivery(h.store, ids[0], "slow")?.status == .delivered }
        #expect(accepted.all == ids)
        await d.stop()
        await server.stop()
    }

    @Test func aRefusedConnectionIsRetried() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let closed = try RefusingPort()
        defer { closed.close() }
        let ids = try await enqueue(h.store, [payload()])
        let d = try h.start(
            receivers:
                #"[{"name": "down", "format": "standard", "url": "http://127.0.0.1:\#(closed.port)/hook", "secretFile": "hooks.secret"}]"#)
        try await eventually("refused twice") { try await delivery(h.store, ids[0], "down")?.attempts == 1 }
        let r = try #require(try await delivery(h.store, ids[0], "down"))
        #expect(r.status == .pending)
        #expect(r.lastError == "connection refused")
        await d.stop()
    }

    @Test func backoffDoublesUntilTheBudgetIsSpentThenTheNextMessageGoes() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let poisoned = Mutex<String?>(nil)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { _, id in
            poisoned.withLock { $0 } == id ? .respond(status: 500, body: "boom") : nil
        }
        let ids = try await enqueue(h.store, [payload(stage: "before:-30d"), payload(stage: "before:-7d")])
        poisoned.withLock { $0 = ids[0] }
        let d = try h.start(
            receivers: "[\(standardReceiver("r", server))]",
            delivery: #"{"maxAttempts": 4, "maxAgeHours": 0, "backoffInitialSeconds": 10, "backoffMaxSeconds": 30}"#)
        var waits: [Int64] = []
        for attempt in 1...3 {
            try await eventually("attempt \(attempt)") { try await delivery(h.store, ids[0], "r")?.attempts == attempt }
            let r = try #require(try await delivery(h.store, ids[0], "r"))
            waits.append(r.nextAttemptAt - r.lastAttemptAt!)
            #expect(try await delivery(h.store, ids[1], "r")?.attempts == 0, "the next message waits for the previous one")
            try await step(h)
        }
        // Ceilings 10 s, 20 s, 30 s (capped); with jitter 0.5 three quarters of each.
        #expect(waits == [7_500, 15_000, 22_500])
        try await eventually("dead after 4 attempts") { try await delivery(h.store, ids[0], "r")?.status == .dead }
        #expect(try await delivery(h.store, ids[0], "r")?.lastError == "gave up after 4 attempts: HTTP 500: boom")
        try await eventually("the next one delivered") { try await delivery(h.store, ids[1], "r")?.status == .delivered }
        #expect(accepted.all == [ids[1]])
        #expect(try await h.audit("delivery.dead").count == 1)
        await d.stop()
        await server.stop()
    }

    @Test func aPermanentErrorIsDeadAtOnce() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, _) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in
            .respond(status: 422, body: "unknown event type")
        }
        let ids = try await enqueue(h.store, [payload()])
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await eventually("dead") { try await delivery(h.store, ids[0], "r")?.status == .dead }
        let r = try #require(try await delivery(h.store, ids[0], "r"))
        #expect(r.attempts == 1)
        #expect(r.lastError == "HTTP 422: unknown event type")
        await d.stop()
        await server.stop()
    }

    /// The receiver is down for a simulated day: only the oldest message is tried (with growing
    /// backoff), the others wait untouched; when it is back everything arrives once, in order.
    @Test func aReceiverDownForADayGetsEverythingOnceInOrder() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let down = Mutex(true)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in
            down.withLock { $0 } ? .respond(status: 503, body: "down") : nil
        }
        let ids = try await enqueue(h.store, (1...5).map { payload(title: "Obligation \($0)") })
        let start: Int64 = h.clock.now()
        let d = try h.start(
            receivers: "[\(standardReceiver("r", server))]",
            delivery: #"{"maxAttempts": 12, "maxAgeHours": 48, "backoffInitialSeconds": 10, "backoffMaxSeconds": 3600}"#)
        try await eventually("first attempt") { !server.requests.isEmpty }
        while h.clock.now() < start + 86_400_000 { try await step(h) }
        try await eventually("the last attempt of the day recorded") { h.clock.earliestSleeper != nil }
        let head = try #require(try await delivery(h.store, ids[0], "r"))
        #expect(head.status == .pending, "a day is within the 48 h budget")
        #expect(head.attempts >= 12)
        #expect(head.attempts == server.requests.count)
        #expect(Set(server.requests.map { $0.headers["webhook-id"]! }) == [ids[0]], "only the oldest message was tried")
        for id in ids.dropFirst() { #expect(try await delivery(h.store, id, "r")?.attempts == 0) }
        #expect(head.nextAttemptAt - head.lastAttemptAt! == 2_700_000, "backoff capped at 1 h (three quarters with jitter 0.5)")

        down.withLock { $0 = false }
        try await step(h)
        try await eventually("all delivered") { try await deliveries(h.store, receiver: "r").allSatisfy { $0.status == .delivered } }
        #expect(accepted.all == ids, "everything once, in order")
        let afterOutage = server.requests.suffix(5).map { $0.headers["webhook-id"]! }
        #expect(afterOutage == ids)
        await d.stop()
        await server.stop()
    }

    @Test func theRateLimitSpacesRequests() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, _) = try await Platform.standard(secret: whsec, clock: h.clock)
        let ids = try await enqueue(h.store, (1...6).map { _ in payload() })
        let t0: Int64 = h.clock.now()
        let d = try h.start(receivers: "[\(standardReceiver("r", server, extra: #", "ratePerMinute": 20, "burst": 4"#))]")
        try await eventually("the burst sent") { server.requests.count == 4 }
        #expect(try await step(h) == t0 + 3_750, "the dispatcher sleeps until the next token")
        try await eventually("the fifth sent") { server.requests.count == 5 }
        #expect(try await step(h) == t0 + 7_500)
        try await eventually("all delivered") { try await deliveries(h.store, receiver: "r").allSatisfy { $0.status == .delivered } }
        // A burst of 4, then one token every 60 s / (20 - 4) = 3.75 s.
        #expect(server.requests.map { $0.at - t0 } == [0, 0, 0, 0, 3_750, 7_500])
        #expect(server.requests.map { $0.headers["webhook-id"]! } == ids)
        await d.stop()
        await server.stop()
    }

    @Test func routesDecideWhoGetsWhatAndEachRowIsJournaledOnce() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, _) = try await Platform.standard(secret: whsec, clock: h.clock)
        var ids = try await enqueue(h.store, [payload(kind: "obligation.opened", stage: nil), payload(stage: "overdue:1")])
        // A row no typed call writes: a writer's bug, which Delivery marks invalid.
        ids.append(
            try Tampering.writeOutboxRow(
                databasePath: h.store.path, kind: "reminder", obligation: 1, payload: #"{"kind":"reminder"}"#, createdAt: 1_759_000_000))
        let receivers =
            "[\(standardReceiver("errors", server, extra: #", "routes": [{"severities": ["error"]}]"#)), \(standardReceiver("all", server))]"
        var d = try h.start(receivers: receivers)
        try await eventually("all delivered") {
            try await allDelivered(h.store, count: 3)
        }
        #expect(try await deliveries(h.store, receiver: "errors").map(\.outboxId) == [ids[1]])
        #expect(try await deliveries(h.store, receiver: "all").map(\.outboxId) == [ids[0], ids[1]])
        let invalid = try #require(try await h.store.listOutbox(limit: 10_000).first { $0.id == ids[2] })
        #expect(invalid.status == .invalid)
        #expect(invalid.lastError == "missing 'obligation' (a whole number)")
        for id in ids.prefix(2) {
            #expect(d.journal.all.filter { $0.contains("OBLIGD_OUTBOX_ID=\(id)") }.count == 1)
        }
        #expect(d.journal.all.contains { $0.contains("MESSAGE_ID=\(MessageClass.opened.messageID)") && $0.contains("PRIORITY=6") })
        #expect(d.journal.all.contains { $0.contains("MESSAGE_ID=\(MessageClass.reminderOverdue.messageID)") && $0.contains("PRIORITY=3") })
        await d.stop()
        d = try h.start(receivers: receivers)
        try await Task.sleep(for: .milliseconds(300))
        #expect(!d.journal.all.contains { $0.contains("OBLIGD_OUTBOX_ID=") }, "a restart journals nothing twice")
        #expect(server.requests.count == 3, "and sends nothing twice")
        await d.stop()
        await server.stop()
    }

    @Test func idleItSleepsWithoutATimerAndWakeStartsDelivery() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock)
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await Task.sleep(for: .milliseconds(300))
        #expect(h.clock.earliestSleeper == nil, "no timer while there is nothing to do")
        let ids = try await enqueue(h.store, [payload()])
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await deliveries(h.store).isEmpty, "rows committed without wake() wait: there is no polling")
        d.dispatcher.wake()
        try await eventually("delivered after wake") { accepted.all == ids }
        await d.stop()
        await server.stop()
    }

    @Test func stoppingMidRequestLosesNothingAndTheRetryIsDeduplicated() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { n, _ in n == 0 ? .hang(seconds: 3) : nil }
        let ids = try await enqueue(h.store, [payload()])
        var d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await eventually("request in flight") { server.requests.count == 1 }
        await d.stop()
        let r = try #require(try await delivery(h.store, ids[0], "r"))
        #expect(r.status == .pending && r.attempts == 0, "an interrupted attempt is not counted")
        d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await eventually("delivered after restart") { try await delivery(h.store, ids[0], "r")?.status == .delivered }
        #expect(server.requests.map { $0.headers["webhook-id"]! } == [ids[0], ids[0]])
        #expect(accepted.all == ids, "accepted once")
        await d.stop()
        await server.stop()
    }

    @Test func listRetryAndDropAreAudited() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let reject = Mutex(true)
        let (server, accepted) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in
            reject.withLock { $0 } ? .respond(status: 400, body: "bad") : nil
        }
        let ids = try await enqueue(h.store, [payload()])
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await eventually("dead") { try await delivery(h.store, ids[0], "r")?.status == .dead }
        let dead = try await d.dispatcher.listOutbox(filter: .dead)
        #expect(dead.map(\.id) == ids)
        #expect(dead.first?.deliveries.map(\.status) == [.dead])
        #expect(dead.first?.status == .dispatched)
        #expect(try await d.dispatcher.listOutbox(filter: .pending).isEmpty)

        reject.withLock { $0 = false }
        #expect(try await d.dispatcher.retry(outboxId: ids[0], actor: "alice") == 1)
        try await eventually("delivered after retry") { try await delivery(h.store, ids[0], "r")?.status == .delivered }
        #expect(accepted.all == ids)
        #expect(try await h.audit("delivery.retry").map(\.actor) == ["alice"])
        // The set-up's notice, routed to no receiver, counts as delivered too (journal only).
        #expect(try await d.dispatcher.listOutbox(filter: .delivered).map(\.id) == ids + h.setUpNotices)
        await #expect(throws: StoreError.conflict("outbox \(ids[0]) has no dead deliveries to retry")) {
            try await d.dispatcher.retry(outboxId: ids[0], actor: "alice")
        }
        await #expect(throws: StoreError.notFound("outbox nope")) { try await d.dispatcher.retry(outboxId: "nope", actor: "alice") }

        // Dropping a delivery still pending (the receiver keeps failing).
        reject.withLock { $0 = true }
        await d.stop()
        let (flaky, _) = try await Platform.standard(secret: whsec, clock: h.clock) { _, _ in .respond(status: 503, body: "") }
        let more = try await enqueue(h.store, [payload()])
        let d2 = try h.start(receivers: "[\(standardReceiver("r", flaky))]")
        try await eventually("failing") { try await delivery(h.store, more[0], "r")?.attempts == 1 }
        #expect(try await d2.dispatcher.drop(outboxId: more[0], actor: "bob", reason: "receiver retired") == 1)
        #expect(try await delivery(h.store, more[0], "r")?.status == .dropped)
        #expect(try await h.audit("delivery.dropped").map(\.note) == ["receiver r: receiver retired"])
        await d2.stop()

        // Dropping a row not yet dispatched drops it whole; it is never sent.
        let idle = Dispatcher(store: h.store, configuration: { Embedded.configuration }, clock: h.clock, journal: JournalCapture().writer)
        let late = try await enqueue(h.store, [payload()])
        #expect(try await idle.drop(outboxId: late[0], actor: "bob", reason: nil) == 0)
        #expect(try await h.store.listOutbox(limit: 10_000).first { $0.id == late[0] }?.status == .dropped)
        #expect(try await h.audit("outbox.dropped").count == 1)
        await idle.shutdown()
        await server.stop()
        await flaky.stop()
    }

    @Test func sendTestReportsTheReceiversAnswer() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, _) = try await Platform.standard(secret: whsec, clock: h.clock)
        let wecom = try await Platform.wecom(key: "right", clock: h.clock)
        try h.credential("wc", wecom.url("/cgi-bin/webhook/send?key=wrong"))
        let closed = try RefusingPort()
        defer { closed.close() }
        let receivers =
            "[\(standardReceiver("ok", server)), {\"name\": \"wc\", \"format\": \"wecom\"}, "
            + #"{"name": "gone", "format": "standard", "url": "http://127.0.0.1:\#(closed.port)/", "secretFile": "hooks.secret"}]"#
        let d = try h.start(receivers: receivers)
        let ok = try await d.dispatcher.sendTest(receiver: "ok")
        #expect(ok.delivered && ok.httpStatus == 204)
        #expect(server.requests.last?.headers["webhook-id"]?.hasPrefix("test-") == true)
        let wc = try await d.dispatcher.sendTest(receiver: "wc")
        #expect(wc.httpStatus == 200)
        #expect(wc.answer.contains("93000"))
        if case .pause = wc.verdict {} else { Issue.record("a wrong key pauses the receiver: \(wc.verdict)") }
        let gone = try await d.dispatcher.sendTest(receiver: "gone")
        #expect(gone.httpStatus == nil && gone.answer == "connection refused")
        await #expect(throws: StoreError.self) { try await d.dispatcher.sendTest(receiver: "nobody") }
        #expect(try await deliveries(h.store).isEmpty, "a test send is not queued")
        await d.stop()
        await server.stop()
        await wecom.stop()
    }
}

/// The contract with the Store: rows written by the real Recorder are journaled and delivered.
@Suite struct RecorderContractTests {
    @Test func recorderNotificationsAreJournaledAndDelivered() async throws {
        let h = try await Harness()
        try h.credential("hooks.secret", whsec)
        let (server, _) = try await Platform.standard(secret: whsec, clock: h.clock)
        let config = Embedded.configuration
        let obligation = try await h.store.transaction(config: config, now: Instant(secondsSinceEpoch: 1_759_000_000), actor: "test") { r in
            _ = try r.addEntity(id: "globex", name: "Globex Corp", zone: nil, region: nil, owner: nil, labels: [:])
            let o = try r.addCustom(
                entityId: "globex", title: "Renew the data processing agreement", start: .day(try CivilDate(parsing: "2025-09-01")),
                period: try Period(parsing: "+30d"), roll: nil)
            return try r.close(o.id!, as: .done, on: nil, note: "signed").obligation
        }
        let d = try h.start(receivers: "[\(standardReceiver("r", server))]")
        try await eventually("both delivered") {
            try await allDelivered(h.store, count: 2)
        }
        let kinds = server.requests.compactMap { $0.json?["type"] as? String }
        #expect(kinds == ["obligation.opened", "obligation.done"])
        let data = try #require(server.requests.first?.json?["data"] as? [String: Any])
        #expect(data["obligation"] as? Int == Int(obligation.id!))
        #expect(
            ((data["message"] as? [String: Any])?["title"] as? String)
                == "New obligation for Globex Corp: Renew the data processing agreement")
        #expect(d.journal.all.filter { $0.contains("OBLIGD_ENTITY=globex") }.count == 2)
        await d.stop()
        await server.stop()
    }
}
