import Foundation
import TestSupport
import Testing

/// Reminders from a real obligd process, timed by the real clock (a few seconds per test).
@Suite(.serialized) struct SchedulerEndToEndTests {
    struct Reminder {
        var stage: String
        var late: Bool
        var scheduledAt: Int64
        var createdAt: Int64
        var obligation: Int
    }

    func reminders(_ d: DaemonProcess) async throws -> [Reminder] {
        let rows = try await d.rows(
            "SELECT createdAt, payload FROM outbox WHERE kind = 'reminder' ORDER BY \(DaemonBackend.current.outboxOrder)")
        return try rows.map { row in
            let p = try JSONSerialization.jsonObject(with: Data((row[1] ?? "").utf8)) as! [String: Any]
            return Reminder(
                stage: p["stage"] as! String, late: p["late"] as! Bool, scheduledAt: (p["scheduledAt"] as! NSNumber).int64Value,
                createdAt: Int64(row[0] ?? "") ?? -1, obligation: p["obligation"] as! Int)
        }
    }

    func nowISO(plus seconds: Double = 0) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date().addingTimeInterval(seconds))
    }

    /// A config directory whose obligd.json gives entity `fast` second-scale reminder stages.
    func fastConfig() throws -> String {
        let dir = try makeTemporaryDirectory("obligd-fast")
        try #"{"reminders":{"entities":{"fast":{"before":["-6s","-4s","-2s"]}}}}"#
            .write(to: dir.appendingPathComponent("obligd.json"), atomically: true, encoding: .utf8)
        return dir.path
    }

    @Test func aReminderDueInSecondsFiresOnceWithinOneSecond() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "e", "name": "E"])
        let (s, _) = try await d.request(
            "POST", "/v1/obligations", json: ["entity": "e", "title": "soon", "start": nowISO(), "period": "+3s"])
        #expect(s == 201)
        try await poll(timeout: .seconds(8), every: .milliseconds(50)) { try await !reminders(d).isEmpty }
        try await Task.sleep(for: .seconds(1))
        let r = try await reminders(d)
        #expect(r.count == 1)
        #expect(r.first?.stage == "due")
        #expect(r.first?.late == false)
        if let first = r.first {
            #expect(first.createdAt - first.scheduledAt <= 1, "fired \(first.createdAt - first.scheduledAt)s after its time")
        }
    }

    @Test func stoppedAcrossThreeStagesThenStartedSendsOneLateReminder() async throws {
        let d = try DaemonProcess(configDirectory: try fastConfig())
        try await d.start()
        _ = try await d.request("POST", "/v1/entities", json: ["id": "fast", "name": "Fast"])
        let t0 = Date()
        _ = try await d.request("POST", "/v1/obligations", json: ["entity": "fast", "title": "x", "start": nowISO(), "period": "+9s"])
        try await d.stop()
        // Stages at +3s, +5s, +7s pass while obligd is down.
        try await Task.sleep(for: .seconds(max(0, 7.6 - Date().timeIntervalSince(t0))))
        try await d.start()
        defer { d.signal(SIGKILL) }
        try await poll(timeout: .seconds(4), every: .milliseconds(50)) { try await reminders(d).count >= 2 }
        let r = try await reminders(d)
        #expect(r.map(\.stage) == ["before:-2s", "due"])
        #expect(r.first?.late == true)
        #expect(r.last?.late == false)
    }

    @Test func killedRightAfterAReminderItIsNotSentAgain() async throws {
        let d = try DaemonProcess()
        try await d.start()
        _ = try await d.request("POST", "/v1/entities", json: ["id": "k", "name": "K"])
        _ = try await d.request("POST", "/v1/obligations", json: ["entity": "k", "title": "x", "start": nowISO(), "period": "+2s"])
        try await poll(timeout: .seconds(6), every: .milliseconds(50)) { try await !reminders(d).isEmpty }
        try await d.kill9()
        try await d.start()
        defer { d.signal(SIGKILL) }
        try await d.waitUntilLeading()
        try await Task.sleep(for: .seconds(2))
        #expect(try await reminders(d).map(\.stage) == ["due"])
    }

    @Test func reloadWithANewCalendarMovesEachAffectedDeadlineOnce() async throws {
        let conf = try makeTemporaryDirectory("obligd-cal")
        try FileManager.default.createDirectory(at: conf.appendingPathComponent("calendars/cn"), withIntermediateDirectories: true)
        let d = try DaemonProcess(configDirectory: conf.path)
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "c", "name": "C"])
        // 2027 has no official calendar: 2027-03-03 + 2mo = Mon 2027-05-03, a working day on the estimate.
        let (_, a) = try await d.request("POST", "/v1/events", json: ["entity": "c", "kind": "important_data_notified", "at": "2027-03-03"])
        let moving = (((a as? [String: Any])?["opened"] as? [[String: Any]])?.first)
        #expect(moving?["due"] as? String == "2027-05-03")
        #expect(moving?["provisional"] as? Bool == true)
        // A deadline the new calendar does not move: 2027-03-08 + 5wd = 2027-03-15.
        let (_, b) = try await d.request(
            "POST", "/v1/obligations", json: ["entity": "c", "title": "steady", "start": "2027-03-08", "period": "+5wd"])
        #expect((b as? [String: Any])?["due"] as? String == "2027-03-15")
        // The 2027 notice arrives: Labour Day 2027-05-01..05-05.
        try #"""
        {"region":"cn","year":2027,"version":1,"notice":{"title":"test notice 2027","published":"2026-11-01"},
         "holidays":[{"name":"Labour Day","from":"2027-05-01","to":"2027-05-05","makeUpDays":[]}]}
        """#.write(to: conf.appendingPathComponent("calendars/cn/2027.json"), atomically: true, encoding: .utf8)
        let (s, body) = try await d.request("POST", "/v1/reload", json: [:])
        #expect(s == 200, "\(body ?? "")")
        // A second reload changes nothing more.
        d.signal(SIGHUP)
        try await Task.sleep(for: .milliseconds(500))
        let (_, list) = try await d.request("GET", "/v1/obligations?entity=c")
        let items = list as? [[String: Any]] ?? []
        let moved = items.first { $0["title"] as? String == "Declare the important-data security assessment" }
        #expect(moved?["due"] as? String == "2027-05-06")
        #expect(moved?["provisional"] as? Bool == false)
        let steady = items.first { $0["title"] as? String == "steady" }
        #expect(steady?["due"] as? String == "2027-03-15")
        #expect(steady?["provisional"] as? Bool == false)
        let audits = try await d.auditTrail()
        #expect(audits.filter { $0.action == "obligation.moved" }.count == 1)
        #expect(
            audits.first { $0.action == "obligation.moved" }?.note == "moved from 2027-05-03 to 2027-05-06: calendar cn/2027 v1 published")
        #expect(audits.filter { $0.action == "obligation.recomputed" }.count == 1)
        #expect(try await d.outbox().filter { $0.kind == "obligation.moved" }.count == 1)
    }
}
