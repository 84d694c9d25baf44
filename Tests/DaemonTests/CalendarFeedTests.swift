import Foundation
import TestSupport
import Testing

/// `obligctl ics` (#17, part 2) read back by an independent parser, PyPI `icalendar` (in a venv under
/// .build, installed on first use): every open obligation is one event with a stable UID, an all-day
/// date or (incidents) an exact instant, alarms for its reminder stages, escaped text intact, and a
/// SEQUENCE that grows when the deadline moves.
@Suite(.serialized) struct CalendarFeedTests {
    /// A Python with icalendar, or nil (with the reason recorded) when it cannot be set up.
    static func python() throws -> String? {
        let venv = repositoryRoot().appendingPathComponent(".build/venv-ics").path
        let py = venv + "/bin/python"
        if !FileManager.default.isExecutableFile(atPath: py) {
            _ = try runProcess("/usr/bin/python3", ["-m", "venv", venv], timeout: .seconds(120))
        }
        if try runProcess(py, ["-c", "import icalendar"]).status != 0 {
            let pip = try runProcess(py, ["-m", "pip", "install", "--quiet", "icalendar==6.1.0"], timeout: .seconds(300))
            guard pip.status == 0 else { throw TestFailure("pip install icalendar failed: \(pip.stderr)") }
        }
        return py
    }

    static let check = #"""
        import json, sys, icalendar
        cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
        out = []
        for e in cal.walk("VEVENT"):
            start = e.decoded("DTSTART")
            out.append({
                "uid": str(e["UID"]), "summary": str(e["SUMMARY"]), "status": str(e["STATUS"]),
                "sequence": int(e["SEQUENCE"]), "start": start.isoformat(),
                "allDay": not hasattr(start, "hour"),
                "end": e.decoded("DTEND").isoformat() if "DTEND" in e else None,
                "alarms": [a.decoded("TRIGGER").isoformat() for a in e.walk("VALARM")],
                "description": str(e["DESCRIPTION"]),
            })
        print(json.dumps(out))
        """#

    func events(_ file: String, python: String) throws -> [[String: Any]] {
        let r = try runProcess(python, ["-c", Self.check, file])
        guard r.status == 0 else { throw TestFailure("icalendar could not read the feed: \(r.stderr)") }
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]] ?? []
    }

    @Test func theFeedIsValidICalendarWithStableUIDsAlarmsAndSequences() async throws {
        let python = try #require(try Self.python())
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        let dir = try makeTemporaryDirectory("obligd-ics")
        let file = dir.appendingPathComponent("obligd.ics").path
        #expect(try obligctl(["entity", "add", "acme", "ACME, Ltd; 上海"], socket: socket).status == 0)
        #expect(
            try obligctl(["event", "add", "acme", "telecom_security_incident", "--at", "2026-11-24T14:05:00+08:00"], socket: socket).status
                == 0)
        #expect(
            try obligctl(["metric", "report", "acme", "facial_recognition_individuals", "120000", "--at", "2026-10-01"], socket: socket)
                .status == 0)
        #expect(
            try obligctl(
                ["obligation", "add", "acme", "--title", "Renew, then file", "--start", "2026-12-20", "--period", "+30wd"], socket: socket
            ).status == 0)
        #expect(try obligctl(["ics", "-o", file], socket: socket).status == 0)
        let first = try events(file, python: python)
        #expect(first.count == 4, "\(first)")
        let byUID = Dictionary(uniqueKeysWithValues: first.map { ($0["uid"] as? String ?? "", $0) })
        #expect(Set(byUID.keys) == ["obligation-1@obligd", "obligation-2@obligd", "obligation-3@obligd", "obligation-4@obligd"])
        let phone = try #require(byUID["obligation-1@obligd"])
        #expect(phone["allDay"] as? Bool == false && phone["start"] as? String == "2026-11-24T06:15:00+00:00", "\(phone)")
        #expect(phone["summary"] as? String == "ACME, Ltd; 上海: Report the telecom data-security incident by phone")
        #expect((phone["alarms"] as? [String])?.last == "2026-11-24T06:15:00+00:00")
        let facial = try #require(byUID["obligation-3@obligd"])
        #expect(facial["allDay"] as? Bool == true && facial["start"] as? String == "2026-11-17", "\(facial)")
        #expect(facial["end"] as? String == "2026-11-18")
        #expect((facial["description"] as? String)?.contains("Legal basis: ") == true)
        #expect((facial["alarms"] as? [String])?.count == 4, "-30d, -7d, -1d and the due day: \(facial)")
        let custom = try #require(byUID["obligation-4@obligd"])
        #expect(custom["status"] as? String == "TENTATIVE", "reaches the estimated 2027 calendar: \(custom)")
        #expect((custom["summary"] as? String)?.contains("Renew, then file (provisional)") == true)

        // An earlier crossing reported late moves the facial-recognition deadline: same UID, higher SEQUENCE.
        #expect(
            try obligctl(["metric", "report", "acme", "facial_recognition_individuals", "110000", "--at", "2026-09-01"], socket: socket)
                .status == 0)
        #expect(try obligctl(["ics", "-o", dir.appendingPathComponent("again.ics").path], socket: socket).status == 0)
        let again = try events(dir.appendingPathComponent("again.ics").path, python: python)
        let moved = try #require(again.first { $0["uid"] as? String == "obligation-3@obligd" })
        #expect(moved["start"] as? String != facial["start"] as? String, "\(moved)")
        #expect((moved["sequence"] as? Int ?? 0) > (facial["sequence"] as? Int ?? 0), "\(moved) vs \(facial)")
        #expect(try obligctl(["ics", "--entity", "nosuch"], socket: socket).status == 2)
    }

    /// The issue's case on a real obligd: an important-data notice of 2025-12-24 is due Tuesday
    /// 2026-02-24. The feed's alarms and `show --json`'s plan are the same plan, none on a rest day:
    /// 20, 5 and 1 working days before (2026-02-14 is a make-up Saturday), then the due day.
    @Test func theFeedsAlarmsAreThePlanThatShowSays() async throws {
        let python = try #require(try Self.python())
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        let file = try makeTemporaryDirectory("obligd-ics").appendingPathComponent("plan.ics").path
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        #expect(try obligctl(["event", "add", "acme", "important_data_notified", "--at", "2025-12-24"], socket: socket).status == 0)
        let show = try obligctl(["show", "1", "--json"], socket: socket)
        #expect(show.status == 0, "\(show.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any])
        #expect(o["due"] as? String == "2026-02-24")
        let plan = try #require(o["reminders"] as? [[String: Any]])
        let stages = plan.map { $0["stage"] as? String ?? "" }
        #expect(Array(stages.prefix(4)) == ["before:-20wd", "before:-5wd", "before:-1wd", "due"], "\(plan)")
        let local = plan.prefix(4).map { ($0["local"] as? String ?? "").prefix(16) }
        #expect(local == ["2026-01-20T09:00", "2026-02-10T09:00", "2026-02-14T09:00", "2026-02-24T09:00"])
        // Long overdue when the test runs: the overdue repeats are there, each on a working day.
        #expect(stages.dropFirst(4).allSatisfy { $0.hasPrefix("overdue:") } && stages.count > 4, "\(stages)")
        #expect(try obligctl(["ics", "-o", file], socket: socket).status == 0)
        let event = try #require(try events(file, python: python).first)
        let alarms = try #require(event["alarms"] as? [String])
        let planned = plan.prefix(4).map { ($0["at"] as? String ?? "").replacingOccurrences(of: "Z", with: "+00:00") }
        #expect(alarms == planned, "feed \(alarms) vs show \(planned)")
        let text = try obligctl(["show", "1"], socket: socket)
        #expect(text.stdout.contains("before:-1wd  2026-02-14 Sat 09:00  not sent"), "past when it opened: \(text.stdout)")
        #expect(plan.prefix(4).allSatisfy { $0["state"] as? String == "passed" }, "\(plan)")
        #expect(plan.last?["state"] as? String == "planned", "the next overdue repeat: \(plan)")
    }

    /// A PI export certificate suspended (#31): its renewal is lapsed, neither done nor waived, as
    /// `list --status lapsed`, `show` and the API say, and the feed keeps it as a cancelled event
    /// (same UID, no alarms), so a subscribed calendar takes it off; lifting the suspension brings it back.
    @Test func aLapsedRenewalIsCancelledInTheFeed() async throws {
        let python = try #require(try Self.python())
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        let file = try makeTemporaryDirectory("obligd-ics").appendingPathComponent("lapsed.ics").path
        #expect(try obligctl(["entity", "add", "acme", "ACME"], socket: socket).status == 0)
        let issued = ["event", "add", "acme", "pi_export_certificate_issued", "--at", "2026-01-05", "--ref", "PIC-1"]
        #expect(try obligctl(issued + ["--attr", "expires=2029-01-04"], socket: socket).status == 0)
        let suspended = try obligctl(
            ["event", "add", "acme", "pi_export_certificate_suspended", "--at", "2026-03-02", "--ref", "PIC-1"], socket: socket)
        #expect(suspended.status == 0 && suspended.stdout.contains("lapsed obligation 1"), "\(suspended.stdout)\(suspended.stderr)")
        let listed = try obligctl(["list", "--status", "lapsed", "--json"], socket: socket)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["status"] as? String } == ["lapsed"], "\(listed.stdout)")
        #expect(try obligctl(["list"], socket: socket).stdout.contains("PI export certificate") == false)
        #expect(try obligctl(["show", "1"], socket: socket).stdout.contains("status:     lapsed on 2026-03-02: event pi_export"))
        #expect(try obligctl(["ics", "-o", file], socket: socket).status == 0)
        let event = try #require(try events(file, python: python).first)
        #expect(event["uid"] as? String == "obligation-1@obligd" && event["status"] as? String == "CANCELLED", "\(event)")
        #expect((event["alarms"] as? [String])?.isEmpty == true)
        let lifted = try obligctl(
            ["event", "add", "acme", "pi_export_certificate_reinstated", "--at", "2026-03-20", "--ref", "PIC-1"], socket: socket)
        #expect(lifted.status == 0 && lifted.stdout.contains("reopened obligation 1"), "\(lifted.stdout)\(lifted.stderr)")
        #expect(try obligctl(["ics", "-o", file], socket: socket).status == 0)
        let back = try #require(try events(file, python: python).first)
        // TENTATIVE: the due day (2028-07-04) rests on the estimated 2028 calendar.
        #expect(back["status"] as? String == "TENTATIVE" && (back["sequence"] as? Int ?? 0) > (event["sequence"] as? Int ?? 0), "\(back)")
    }
}
