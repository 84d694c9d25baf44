import Foundation
import TestSupport
import Testing

/// The shared note's scenarios, end to end through a real obligd process.
@Suite(.serialized) struct ScenarioTests {
    func obligations(_ d: DaemonProcess, entity: String) async throws -> [[String: Any]] {
        let (status, body) = try await d.request("GET", "/v1/obligations?status=all&entity=\(entity)")
        #expect(status == 200)
        return body as? [[String: Any]] ?? []
    }

    func due(_ list: [[String: Any]], rule: String) -> [String] {
        list.filter { $0["rule"] as? String == rule }.compactMap { $0["due"] as? String }
    }

    @Test func legalScenariosGiveTheDueDatesOfTheNote() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        #expect(try await d.request("POST", "/v1/entities", json: ["id": "acme", "name": "ACME"]).0 == 201)

        // Facial data crossing 100,000 on 2025-05-20, before the rule took effect: 2025-06-01 + 30wd.
        _ = try await d.request(
            "POST", "/v1/metrics", json: ["entity": "acme", "metric": "facial_recognition_individuals", "value": 99_999, "at": "2025-05-01"]
        )
        _ = try await d.request(
            "POST", "/v1/metrics",
            json: ["entity": "acme", "metric": "facial_recognition_individuals", "value": 100_000, "at": "2025-05-20"])
        // Staying above does not restart the clock.
        _ = try await d.request(
            "POST", "/v1/metrics",
            json: ["entity": "acme", "metric": "facial_recognition_individuals", "value": 150_000, "at": "2025-09-01"])
        // PIPO: 999,999 is not 100万人以上; exactly 1,000,000 on 2025-06-30 is (以上 includes the number,
        // Civil Code art. 1259), before 2025-07-18: due 2025-08-29.
        _ = try await d.request(
            "POST", "/v1/metrics",
            json: ["entity": "acme", "metric": "personal_information_individuals", "value": 999_999, "at": "2025-06-01"])
        var list = try await obligations(d, entity: "acme")
        #expect(due(list, rule: "cn.pipo.report").isEmpty)
        _ = try await d.request(
            "POST", "/v1/metrics",
            json: ["entity": "acme", "metric": "personal_information_individuals", "value": 1_000_000, "at": "2025-06-30"])
        // Important-data notice 2025-03-03 + 2mo = Sat 2025-05-03 in the Labour Day run -> 2025-05-06.
        _ = try await d.request("POST", "/v1/events", json: ["entity": "acme", "kind": "important_data_notified", "at": "2025-03-03"])
        // Certificate expiring 2026-08-31: -6mo = Sat 2026-02-28, a make-up working day, no roll.
        _ = try await d.request(
            "POST", "/v1/events",
            json: [
                "entity": "acme", "kind": "pi_export_certificate_issued", "at": "2023-08-31",
                "attributes": ["expires": "2026-08-31"]
            ])
        // Rectification notice 2025-01-27 + 5wd over Spring Festival -> 2025-02-10; one stating its own period.
        _ = try await d.request("POST", "/v1/events", json: ["entity": "acme", "kind": "rectification_notice_shanghai", "at": "2025-01-27"])
        _ = try await d.request(
            "POST", "/v1/events",
            json: [
                "entity": "acme", "kind": "rectification_notice_shanghai", "at": "2025-01-27",
                "attributes": ["period": "+10wd"]
            ])
        // Incident at an instant: +10min and +30min, no rolling. It states no severity, so both reports
        // open (the duty may apply) and are flagged "condition not stated" (issue 31).
        let (_, incident) = try await d.request(
            "POST", "/v1/events", json: ["entity": "acme", "kind": "telecom_security_incident", "at": "2025-10-01T23:55:00+08:00"])
        #expect(((incident as? [String: Any])?["unstated"] as? [[String: Any]])?.count == 2, "\(incident ?? "")")
        // A general (一般) incident opens neither.
        let (_, general) = try await d.request(
            "POST", "/v1/events",
            json: [
                "entity": "acme", "kind": "telecom_security_incident", "at": "2025-10-01T23:56:00+08:00",
                "attributes": ["severity": "一般"]
            ])
        #expect(((general as? [String: Any])?["opened"] as? [[String: Any]])?.isEmpty == true, "\(general ?? "")")

        list = try await obligations(d, entity: "acme")
        #expect(due(list, rule: "cn.facial-recognition.filing") == ["2025-07-14"])
        #expect(due(list, rule: "cn.pipo.report") == ["2025-08-29"])
        #expect(due(list, rule: "cn.important-data.assessment") == ["2025-05-06"])
        #expect(due(list, rule: "cn.pi-export.certificate-renewal") == ["2026-02-28"])
        #expect(due(list, rule: "cn.shanghai.rectification-report").sorted() == ["2025-02-10", "2025-02-17"])
        let phone = list.first { $0["rule"] as? String == "cn.zhejiang.incident-phone" }
        #expect(phone?["dueInstant"] as? String == "2025-10-01T16:05:00Z")
        #expect(phone?["due"] as? String == "2025-10-02")
        let written = list.first { $0["rule"] as? String == "cn.zhejiang.incident-written" }
        #expect(written?["dueInstant"] as? String == "2025-10-01T16:25:00Z")
        #expect(list.count == 8)
        #expect(list.allSatisfy { $0["provisional"] as? Bool == false })
    }

    @Test func backdatedReportMovesTheClockAndIsAudited() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "e1", "name": "E1"])
        _ = try await d.request(
            "POST", "/v1/metrics", json: ["entity": "e1", "metric": "facial_recognition_individuals", "value": 120_000, "at": "2025-07-01"])
        var list = try await obligations(d, entity: "e1")
        #expect(due(list, rule: "cn.facial-recognition.filing") == ["2025-08-12"])
        // A late report shows the threshold was reached earlier, on 2025-06-20.
        _ = try await d.request(
            "POST", "/v1/metrics", json: ["entity": "e1", "metric": "facial_recognition_individuals", "value": 100_500, "at": "2025-06-20"])
        list = try await obligations(d, entity: "e1")
        #expect(due(list, rule: "cn.facial-recognition.filing") == ["2025-08-01"])
        let id = list[0]["id"] as! Int
        let (_, history) = try await d.request("GET", "/v1/obligations/\(id)/history")
        let actions = (history as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(actions == ["obligation.opened", "obligation.moved"])
        let note = (history as? [[String: Any]])?.last?["note"] as? String
        #expect(note?.contains("moved from 2025-08-12 to 2025-08-01") == true)
        // An out-of-order report below the threshold in between does not restart the clock.
        _ = try await d.request(
            "POST", "/v1/metrics", json: ["entity": "e1", "metric": "facial_recognition_individuals", "value": 90_000, "at": "2025-06-25"])
        list = try await obligations(d, entity: "e1")
        #expect(due(list, rule: "cn.facial-recognition.filing") == ["2025-08-01"])
        #expect(list.count == 1)
    }

    @Test func lifecycleIsAuditedAndRecurringOpensTheNext() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "e2", "name": "E2"])
        let (s, body) = try await d.request(
            "POST", "/v1/events",
            json: ["entity": "e2", "kind": "mlps_system_registered", "at": "2025-03-10", "attributes": ["level": "3"]])
        #expect(s == 201)
        let opened = ((body as? [String: Any])?["opened"] as? [[String: Any]]) ?? []
        #expect(opened.first?["due"] as? String == "2026-03-10")
        let id = opened.first?["id"] as? Int ?? 0
        #expect(try await d.request("POST", "/v1/obligations/\(id)/waive", json: [:]).0 == 400)
        #expect(try await d.request("POST", "/v1/obligations/\(id)/done", json: ["date": "2026-03-01", "note": "assessed"]).0 == 200)
        #expect(try await d.request("POST", "/v1/obligations/\(id)/done", json: [:]).0 == 409)
        // The assessment's chain (the annual plan of a level-3 system runs its own).
        let list = try await obligations(d, entity: "e2").filter { $0["rule"] as? String == "cn.mlps.annual-assessment" }
        #expect(list.count == 2)
        #expect(
            list.contains {
                $0["due"] as? String == "2027-03-10" && $0["status"] as? String == "open" && $0["provisional"] as? Bool == true
            })
        #expect(try await d.request("POST", "/v1/obligations/\(id)/reopen", json: ["note": "rejected by the organ"]).0 == 200)
        let (_, history) = try await d.request("GET", "/v1/obligations/\(id)/history")
        let actions = (history as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
        #expect(actions == ["obligation.opened", "obligation.done", "obligation.reopened"])
        let done = (history as? [[String: Any]])?[1]
        #expect((done?["before"] as? [String: Any])?["status"] as? String == "open")
        #expect((done?["after"] as? [String: Any])?["status"] as? String == "done")
        #expect((done?["after"] as? [String: Any])?["dueInstant"] as? String == "2026-03-10T16:00:00Z", "instants are ISO 8601")
    }

    /// obligctl ack through a real obligd: recorded with the caller, shown by list, show and JSON.
    @Test func anAcknowledgementIsShownEverywhere() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let s = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: s).status == 0)
        #expect(try obligctl(["event", "add", "acme", "important_data_notified", "--at", "2025-03-03"], socket: s).status == 0)
        let ack = try obligctl(["ack", "1", "--note", "Li Wei files it", "--until", "2099-12-31"], socket: s)
        #expect(
            ack.status == 0 && ack.stdout.contains("obligation 1 acknowledged by ")
                && ack.stdout.contains("until 2099-12-31: Li Wei files it"), "\(ack)")
        #expect(try obligctl(["list"], socket: s).stdout.contains("open (ack "))
        #expect(try obligctl(["show", "1"], socket: s).stdout.contains("acknowledged: by "))
        let json = try obligctl(["show", "1", "--json"], socket: s).stdout
        let a = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["acknowledged"] as? [String: Any])
        #expect(a["note"] as? String == "Li Wei files it" && a["until"] as? String == "2099-12-31")
        let bad = try obligctl(["ack", "1", "--note", "x", "--until", "2001-01-01"], socket: s)
        #expect(bad.status != 0 && bad.stderr.contains("until"), "\(bad)")
        let history = try obligctl(["history", "1"], socket: s).stdout
        #expect(history.contains("obligation.acknowledged"), "\(history)")
    }

    @Test func customObligationsAcceptEveryPeriodOfTheGrammar() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "e3", "name": "E3", "zone": "Europe/Berlin"])
        let cases: [(String, String, String)] = [
            ("2025-01-27", "+5wd", "2025-02-10"),
            ("2024-08-31", "+6mo", "2025-02-28"),
            ("2026-08-31", "-6mo", "2026-02-28"),
            ("2025-03-03T10:00:00Z", "+30s", "2025-03-03")
        ]
        for (start, period, expected) in cases {
            let (s, body) = try await d.request(
                "POST", "/v1/obligations", json: ["entity": "e3", "title": "t \(period)", "start": start, "period": period])
            #expect(s == 201, "\(start) \(period)")
            #expect((body as? [String: Any])?["due"] as? String == expected, "\(start) \(period)")
        }
        // 24:00 in Berlin (CET, UTC+1) on 2025-02-10.
        let (_, list) = try await d.request("GET", "/v1/obligations?entity=e3")
        let first = (list as? [[String: Any]])?.first { $0["period"] as? String == "+5wd" }
        #expect(first?["dueInstant"] as? String == "2025-02-10T23:00:00Z")
    }
}
