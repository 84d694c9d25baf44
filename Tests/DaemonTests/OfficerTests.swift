import Foundation
import TestSupport
import Testing

/// The compliance officer's obligctl (#14) through a real obligd: retries, recurrence, times.
@Suite struct OfficerTests {
    func json(_ text: String) throws -> Any { try JSONSerialization.jsonObject(with: Data(text.utf8)) }

    /// A retried write with the same idempotency key succeeds with the first answer and writes nothing
    /// more, from obligctl and from a client that orders its JSON keys differently.
    @Test func retriesWithTheSameKeySucceedAndWriteOnce() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        let args = [
            "event", "add", "acme", "pi_export_certificate_issued", "--at", "2025-03-03", "--ref", "N-1", "--attr", "expires=2028-08-31",
            "--idempotency-key", "k2"
        ]
        let first = try obligctl(args, socket: socket)
        #expect(first.status == 0, "\(first)")
        for _ in 0..<3 {
            let again = try obligctl(args, socket: socket)
            #expect(again.status == 0, "\(again)")
            #expect(again.stdout == first.stdout)
        }
        for (key, metric) in [("m1", ["metric", "report", "acme", "facial_recognition_individuals", "120000", "--at", "2025-05-20"])] {
            #expect(try obligctl(metric + ["--idempotency-key", key], socket: socket).status == 0)
            #expect(try obligctl(metric + ["--idempotency-key", key], socket: socket).status == 0)
        }
        // The same meaning in another key order and spacing is the same request; another meaning is not.
        let a = #"{"entity":"acme","kind":"rectification_notice_shanghai","at":"2025-01-27"}"#
        let b = #"{ "at": "2025-01-27", "kind": "rectification_notice_shanghai", "entity": "acme" }"#
        let c = #"{"at":"2025-01-28","kind":"rectification_notice_shanghai","entity":"acme"}"#
        let h = ["Content-Type": "application/json", "Idempotency-Key": "k3"]
        #expect(try await d.request("POST", "/v1/events", raw: a, headers: h).0 == 201)
        #expect(try await d.request("POST", "/v1/events", raw: b, headers: h).0 == 201)
        #expect(try await d.request("POST", "/v1/events", raw: c, headers: h).0 == 409)
        let (_, list) = try await d.request("GET", "/v1/obligations?entity=acme")
        let rules = (list as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }.sorted()
        #expect(rules == ["cn.facial-recognition.filing", "cn.pi-export.certificate-renewal", "cn.shanghai.rectification-report"])
    }

    /// An MLPS assessment of a level-3 system registered in January 2024: by November 2026 the 2025
    /// and 2026 assessments fell due, so the 2027 one is open; marking the first done opens nothing
    /// more and says so. (The annual plan runs its own chain beside it; only the assessment's is read.)
    /// The MLPS assessments of a `list --json`.
    static func assessments(_ list: Any?) -> [[String: Any]] {
        (list as? [[String: Any]] ?? []).filter { $0["rule"] as? String == "cn.mlps.annual-assessment" }
    }

    @Test func recurringObligationsOpenTheNextWhenTheyFallDue() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "gov", "Gov Systems"], socket: socket).status == 0)
        #expect(
            try obligctl(["event", "add", "gov", "mlps_system_registered", "--at", "2024-01-15", "--attr", "level=3"], socket: socket)
                .status == 0)
        var dues: [String] = []
        try await eventually("the chain is opened") {
            let r = try obligctl(["list", "--entity", "gov", "--json"], socket: socket)
            dues = Self.assessments(try json(r.stdout)).compactMap { $0["due"] as? String }
            return dues.count == 3
        }
        #expect(dues == ["2025-01-15", "2026-01-15", "2027-01-15"])
        let done = try obligctl(["done", "1", "--note", "assessed"], socket: socket)
        #expect(done.status == 0)
        #expect(!done.stdout.contains("opened"), "the successor was opened when it fell due: \(done.stdout)")
        // Restarting opens nothing twice.
        d.signal(SIGTERM)
        _ = try await d.waitForExit()
        try await d.start()
        let all = try obligctl(["list", "--entity", "gov", "--status", "all", "--json"], socket: socket)
        #expect(Self.assessments(try json(all.stdout)).count == 3)

        // Done before the due day opens the next at once, and says so.
        #expect(
            try obligctl(
                ["event", "add", "gov", "mlps_system_registered", "--at", "2026-06-01", "--ref", "sys-2", "--attr", "level=第三级"],
                socket: socket
            ).status
                == 0)
        let open = try obligctl(["list", "--entity", "gov", "--json"], socket: socket)
        let id = Self.assessments(try json(open.stdout)).first { $0["due"] as? String == "2027-06-01" }?["id"] as? Int
        let early = try obligctl(["done", "\(try #require(id))", "--json"], socket: socket)
        let opened = (try json(early.stdout) as? [String: Any])?["opened"] as? [[String: Any]]
        #expect(opened?.first?["due"] as? String == "2028-06-01", "\(early)")
        let text = try obligctl(["list", "--entity", "gov", "--status", "all"], socket: socket)
        #expect(text.stdout.contains("2028-06-01"))
    }

    /// Incident reports are due at an instant: list, show and JSON give the local time and zone, and
    /// list says how long is left or how far past it is.
    @Test func instantDeadlinesShowTheirTimeAndWhatIsLeft() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "tel", "Telco"], socket: socket).status == 0)
        let add = try obligctl(["event", "add", "tel", "telecom_security_incident", "--at", "2025-03-03T14:05:00+08:00"], socket: socket)
        #expect(add.stdout.contains("due 2025-03-03 14:15 +08:00 Asia/Shanghai"), "\(add)")
        #expect(add.stdout.contains("due 2025-03-03 14:35 +08:00 Asia/Shanghai"), "\(add)")
        let list = try obligctl(["list", "--entity", "tel"], socket: socket)
        #expect(list.stdout.contains("2025-03-03 14:15 +08:00"), "\(list)")
        #expect(list.stdout.contains("overdue "), "\(list)")
        let rows = try #require(try json(try obligctl(["list", "--entity", "tel", "--json"], socket: socket).stdout) as? [[String: Any]])
        #expect(rows.map { $0["dueLocal"] as? String } == ["2025-03-03T14:15:00+08:00", "2025-03-03T14:35:00+08:00"])
        #expect(rows.allSatisfy { $0["timed"] as? Bool == true && $0["zone"] as? String == "Asia/Shanghai" })
        let show = try obligctl(["show", "1"], socket: socket)
        #expect(show.stdout.contains("due:        2025-03-03 14:15 +08:00 Asia/Shanghai"), "\(show)")
        // A day deadline in the future says how many days are left.
        #expect(try obligctl(["event", "add", "tel", "important_data_notified"], socket: socket).status == 0)
        let future = try obligctl(["list", "--entity", "tel"], socket: socket)
        #expect(future.stdout.contains(" in 6"), "two months ahead: \(future)")
    }

    /// Every command's JSON is objects, not strings, with ISO 8601 instants; unknown entities and ids
    /// are errors; usage errors exit 2; read-only commands take no write options.
    @Test func jsonIsAContractAndErrorsAreErrors() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        let cert = try obligctl(
            ["event", "add", "acme", "pi_export_certificate_issued", "--at", "2025-08-31", "--attr", "expires=2028-08-31"], socket: socket)
        #expect(cert.status == 0)
        let show = try obligctl(["show", "1"], socket: socket)
        #expect(show.stdout.contains("before:     2028-08-31   period: -6mo"), "\(show)")

        let history = try #require(try json(try obligctl(["history", "1", "--json"], socket: socket).stdout) as? [[String: Any]])
        let after = try #require(history.first?["after"] as? [String: Any])
        #expect(after["due"] as? String == "2028-02-29")
        #expect(after["createdAt"] as? String != nil && (after["createdAt"] as? String)!.hasSuffix("Z"), "\(after)")

        let status = try #require(try json(try obligctl(["status", "--json"], socket: socket).stdout) as? [String: Any])
        #expect((status["nextDue"] as? [String: Any])?["id"] as? Int == 1, "\(status)")

        let entity = try #require(try json(try obligctl(["entity", "show", "acme", "--json"], socket: socket).stdout) as? [String: Any])
        #expect(entity["id"] as? String == "acme")
        #expect((entity["obligations"] as? [[String: Any]])?.count == 1)

        let rules = try #require(try json(try obligctl(["rules", "list", "--json"]).stdout) as? [[String: Any]])
        #expect(rules.contains { $0["id"] as? String == "cn.mlps.annual-assessment" && $0["recurrence"] as? String == "+1y" })

        let waived = try obligctl(["waive", "1", "--reason", "moved abroad", "--json"], socket: socket)
        #expect((try json(waived.stdout) as? [String: Any])?["status"] as? String == "waived", "\(waived)")

        let unknown = try obligctl(["list", "--entity", "nosuch"], socket: socket)
        #expect(unknown.status == 2 && unknown.stderr.contains("entity 'nosuch' not found"), "\(unknown)")
        #expect(try obligctl(["show", "99"], socket: socket).status == 2)
        let usage = try obligctl(["list", "--bogus"], socket: socket)
        #expect(usage.status == 2 && usage.stderr.contains("--bogus"), "\(usage)")
        let readOnly = try obligctl(["list", "--idempotency-key", "k"], socket: socket)
        #expect(readOnly.status == 2, "read-only commands take no idempotency key: \(readOnly)")

        let future = try obligctl(["metric", "report", "acme", "facial_recognition_individuals", "5", "--at", "2030-01-01"], socket: socket)
        #expect(future.status == 2 && future.stderr.contains("2030-01-01 is in the future"), "\(future)")
    }

    /// Facts can be seen and corrected: a same-day correction supersedes (audited) and moves or flags
    /// what it derived; a retraction does too; the history and event list show all of it.
    @Test func factsCanBeSeenCorrectedAndRetracted() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        let metric = ["metric", "report", "acme", "facial_recognition_individuals"]
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        #expect(try obligctl(metric + ["120000", "--at", "2025-05-20"], socket: socket).stdout.contains("due 2025-07-14"))
        let again = try obligctl(metric + ["120000", "--at", "2025-05-20"], socket: socket)
        #expect(again.status == 0 && again.stdout.contains("was recorded before: nothing new"), "\(again)")
        let correction = try obligctl(metric + ["90000", "--at", "2025-05-20", "--json"], socket: socket)
        let corrected = try #require(try json(correction.stdout) as? [String: Any])
        #expect(corrected["superseded"] as? Int == 1, "\(correction)")
        #expect((corrected["flagged"] as? [[String: Any]])?.first?["id"] as? Int == 1, "the crossing is gone: \(correction)")
        let history = try #require(
            try json(try obligctl(["metric", "history", "acme", "facial_recognition_individuals", "--json"], socket: socket).stdout)
                as? [[String: Any]])
        #expect(history.map { $0["value"] as? Int } == [120_000, 90_000])
        #expect((history[0]["retracted"] as? [String: Any])?["supersededBy"] as? Int == 2)
        #expect(history[1]["retracted"] == nil)

        // A later crossing moves the obligation; retracting that report flags it again.
        let later = try obligctl(metric + ["130000", "--at", "2025-06-10"], socket: socket)
        #expect(later.stdout.contains("moved obligation 1") && later.stdout.contains("2025-07-22"), "\(later)")
        let retract = try obligctl(["fact", "retract", "metric:3", "--reason", "typo in the count"], socket: socket)
        #expect(retract.status == 0 && retract.stdout.contains("flagged obligation 1"), "\(retract)")
        #expect(try obligctl(["fact", "retract", "metric:3", "--reason", "again"], socket: socket).status == 2)
        #expect(try obligctl(["fact", "retract", "bogus", "--reason", "x"], socket: socket).status == 2)
        let audit = try obligctl(["audit", "export"], socket: socket).stdout
        #expect(audit.contains("\"action\":\"metric.superseded\"") && audit.contains("\"action\":\"metric.retracted\""))

        // Events: listed, retracted with a reason, their obligations flagged, listed with --all.
        #expect(
            try obligctl(["event", "add", "acme", "important_data_notified", "--at", "2025-03-03", "--ref", "N-1"], socket: socket).status
                == 0)
        let events = try #require(
            try json(try obligctl(["event", "list", "--entity", "acme", "--json"], socket: socket).stdout) as? [[String: Any]])
        #expect(events.count == 1 && events[0]["ref"] as? String == "N-1" && events[0]["day"] as? String == "2025-03-03")
        let gone = try obligctl(["fact", "retract", "event:1", "--reason", "notice withdrawn"], socket: socket)
        #expect(gone.stdout.contains("flagged obligation"), "\(gone)")
        #expect(try obligctl(["event", "list", "--entity", "acme"], socket: socket).stdout == "no events\n")
        #expect(try obligctl(["event", "list", "--all"], socket: socket).stdout.contains("RETRACTED: notice withdrawn"))
    }

    /// Importing the same file twice records nothing new and says so; a line that conflicts with a
    /// recorded fact is an error naming the line, and nothing of that import is written.
    @Test func importIsIdempotentAndConflictsNameTheLine() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        let dir = try makeTemporaryDirectory("import")
        let file = dir.appendingPathComponent("facts.jsonl").path
        try """
        {"type":"event","entity":"acme","kind":"important_data_notified","at":"2025-03-03","ref":"N-1"}
        {"type":"event","entity":"acme","kind":"rectification_notice_shanghai","at":"2025-01-27"}
        {"type":"metric","entity":"acme","metric":"personal_information_individuals","value":1000001,"at":"2025-06-30"}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let first = try obligctl(["import", file, "--json"], socket: socket)
        #expect((try json(first.stdout) as? [String: Any])?["opened"] as? Int == 3, "\(first)")
        let second = try obligctl(["import", file], socket: socket)
        #expect(
            second.status == 0 && second.stdout.contains("imported 0 records") && second.stdout.contains("3 recorded before"), "\(second)")
        let count = { try (try json(try obligctl(["list", "--entity", "acme", "--json"], socket: socket).stdout) as? [Any])?.count }
        #expect(try count() == 3)

        let conflicting = dir.appendingPathComponent("conflict.jsonl").path
        try """
        {"type":"event","entity":"acme","kind":"rectification_notice_shanghai","at":"2025-02-03","ref":"R-9"}
        {"type":"metric","entity":"acme","metric":"personal_information_individuals","value":999,"at":"2025-06-30"}
        """.write(toFile: conflicting, atomically: true, encoding: .utf8)
        let refused = try obligctl(["import", conflicting], socket: socket)
        #expect(
            refused.status == 2 && refused.stderr.contains("conflict.jsonl:2:") && refused.stderr.contains("already recorded as report #1"),
            "\(refused)")
        #expect(try count() == 3, "nothing of the refused import was written")
    }

    /// Classification and retention rules have visible results: a status with its start day, duties
    /// and citation in entity show, classification list and JSON, notified when it begins and ends;
    /// keep-until days for retention.
    @Test func classificationsAndRetentionShowTheirResults() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        let began = try obligctl(
            ["metric", "report", "acme", "cross_border_pi_individuals_ytd", "100001", "--at", "2026-02-01"], socket: socket)
        #expect(
            began.stdout.contains(
                "classified: PI export certification route applies (100,000 or more and under 1,000,000 individuals, no sensitive PI) since 2026-02-01"
            ), "\(began)")
        #expect(
            try obligctl(["metric", "report", "acme", "registered_users", "60000000", "--at", "2026-03-01"], socket: socket).status == 0)
        let ended = try obligctl(
            ["metric", "report", "acme", "registered_users", "40000000", "--at", "2026-06-01", "--json"], socket: socket)
        let change = try #require(((try json(ended.stdout) as? [String: Any])?["classifications"] as? [[String: Any]])?.first)
        #expect(change["active"] as? Bool == false && change["until"] as? String == "2026-06-01", "\(ended)")

        let list = try #require(try json(try obligctl(["classification", "list", "--json"], socket: socket).stdout) as? [[String: Any]])
        #expect(list.count == 1)
        #expect(list.first?["rule"] as? String == "cn.pi-export.certification-scope" && list.first?["since"] as? String == "2026-02-01")
        #expect((list.first?["duties"] as? [String])?.isEmpty == false)
        let all = try obligctl(["classification", "list", "--all"], socket: socket)
        #expect(
            all.stdout.contains("Large online platform by count (50,000,000 or more registered users) since 2026-03-01, ended 2026-06-01"),
            "\(all)")

        #expect(try obligctl(["event", "add", "acme", "network_log_written", "--at", "2026-05-31"], socket: socket).status == 0)
        // An incident without a severity: both Zhejiang reports open, each flagged (issue 31).
        let incident = try obligctl(["event", "add", "acme", "telecom_security_incident"], socket: socket)
        #expect(incident.stdout.components(separatedBy: "condition not stated").count == 3, "\(incident)")
        let general = try obligctl(["event", "add", "acme", "telecom_security_incident", "--attr", "severity=一般"], socket: socket)
        #expect(general.status == 0 && !general.stdout.contains("opened obligation"), "\(general)")
        let bad = try obligctl(["event", "add", "acme", "telecom_security_incident", "--attr", "severity=medium"], socket: socket)
        #expect(bad.status != 0 && bad.stderr.contains("severity") && bad.stderr.contains("较大"), "\(bad)")
        let show = try obligctl(["entity", "show", "acme"], socket: socket)
        #expect(show.stdout.contains("classifications:") && show.stdout.contains("PI export certification route applies"), "\(show)")
        #expect(show.stdout.contains("keep until:") && show.stdout.contains("2026-11-30"), "\(show)")
        let detail = try #require(try json(try obligctl(["entity", "show", "acme", "--json"], socket: socket).stdout) as? [String: Any])
        #expect((detail["retention"] as? [[String: Any]])?.first?["keepUntil"] as? String == "2026-11-30")
        #expect((detail["classifications"] as? [[String: Any]])?.count == 1)

        // Notified: began twice, ended once, in the journal's words (obligd's log in the foreground).
        try await eventually("the notices are journaled") {
            d.logText().components(separatedBy: "kind=classification.began").count == 3
                && d.logText().contains("kind=classification.ended")
        }
        #expect(try obligctl(["classification", "list", "--entity", "nosuch"], socket: socket).status == 2)
    }
}
