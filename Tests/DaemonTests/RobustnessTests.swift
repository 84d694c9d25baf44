import Foundation
import TestSupport
import Testing

@Suite(.serialized) struct RobustnessTests {
    /// The rows of each table of state in the daemon's database, on either backend.
    func counts(_ d: DaemonProcess) async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for t in ["entity", "metricObservation", "event", "obligation", "audit", "outbox", "idempotency"] {
            guard let n = try await d.integer("SELECT count(*) FROM \(t)") else { throw TestFailure("no count of \(t)") }
            out[t] = n
        }
        return out
    }

    @Test func restartKeepsEverything() async throws {
        let d = try DaemonProcess()
        try await d.start()
        _ = try await d.request("POST", "/v1/entities", json: ["id": "r1", "name": "R1"])
        _ = try await d.request("POST", "/v1/events", json: ["entity": "r1", "kind": "important_data_notified", "at": "2025-03-03"])
        let (_, before) = try await d.request("GET", "/v1/obligations?status=all")
        try await d.stop()
        #expect(d.process?.terminationStatus == 0)
        try await d.start()
        defer { d.signal(SIGKILL) }
        let (_, after) = try await d.request("GET", "/v1/obligations?status=all")
        let b = try JSONSerialization.data(withJSONObject: before as Any, options: .sortedKeys)
        let a = try JSONSerialization.data(withJSONObject: after as Any, options: .sortedKeys)
        #expect(a == b)
        #expect((after as? [[String: Any]])?.first?["due"] as? String == "2025-05-06")
    }

    @Test func killDuringWritesLosesNoAcknowledgedWrite() async throws {
        let d = try DaemonProcess()
        try await d.start()
        _ = try await d.request("POST", "/v1/entities", json: ["id": "k", "name": "K"])
        // Eight concurrent writers report values; each remembers what was acknowledged.
        let acked = try await withThrowingTaskGroup(of: [Int].self) { group in
            for w in 0..<8 {
                group.addTask {
                    var mine: [Int] = []
                    for i in 0..<100_000 {
                        let value = w * 1_000_000 + i
                        guard
                            let (s, _) = try? await d.request(
                                "POST", "/v1/metrics", json: ["entity": "k", "metric": "registered_users", "value": value])
                        else { break }
                        if s == 201 { mine.append(value) } else { break }
                    }
                    return mine
                }
            }
            try await Task.sleep(for: .milliseconds(1500))
            d.signal(SIGKILL)
            var all: [Int] = []
            for try await part in group { all += part }
            return all
        }
        _ = try await d.waitForExit()
        #expect(acked.count > 50, "the writers got some writes in before the kill")
        try await d.start()
        defer { d.signal(SIGKILL) }
        let stored = Set(
            try await d.metricReports(entity: "k", metric: "registered_users").map { Int($0.value) })
        let missing = acked.filter { !stored.contains($0) }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
        // Nothing half-written: the SQLite file is intact (PostgreSQL checks its own pages).
        if DaemonBackend.isSQLite {
            #expect(try await d.rows("PRAGMA integrity_check").first?.first == "ok")
        }
    }

    @Test func idempotencyKeyMakesRetriesHarmless() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "i", "name": "I"])
        // A retry resends the same bytes with the same key.
        let body = #"{"entity":"i","kind":"important_data_notified","at":"2025-03-03"}"#
        let (s1, r1) = try await d.request("POST", "/v1/events", raw: body, headers: ["Idempotency-Key": "abc-1"])
        let (s2, r2) = try await d.request("POST", "/v1/events", raw: body, headers: ["Idempotency-Key": "abc-1"])
        #expect(s1 == 201 && s2 == 201)
        #expect((r1 as? [String: Any])?["id"] as? Int == (r2 as? [String: Any])?["id"] as? Int)
        let (_, list) = try await d.request("GET", "/v1/obligations")
        #expect((list as? [Any])?.count == 1)
        let (s3, r3) = try await d.request(
            "POST", "/v1/events", json: ["entity": "i", "kind": "important_data_notified", "at": "2025-04-03"],
            headers: ["Idempotency-Key": "abc-1"])
        #expect(s3 == 409)
        #expect(((r3 as? [String: Any])?["error"] as? String)?.contains("idempotency key") == true)
    }

    @Test func badAPIRequestsGetClearErrorsAndChangeNothing() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "b", "name": "B"])
        _ = try await d.request("POST", "/v1/events", json: ["entity": "b", "kind": "important_data_notified", "at": "2025-03-03"])
        let before = try await counts(d)
        // (method, path, body, expected status, field named in the error)
        let corpus: [(String, String, String, Int, String)] = [
            ("POST", "/v1/entities", "{not json", 400, "body"),
            ("POST", "/v1/entities", #"{"name":"x"}"#, 400, "id"),
            ("POST", "/v1/entities", #"{"id":"bad id!","name":"x"}"#, 400, "id"),
            ("POST", "/v1/entities", #"{"id":"z","name":"x","zone":"Mars/Base"}"#, 400, "zone"),
            ("POST", "/v1/entities", #"{"id":"z","name":"x","region":"xx"}"#, 400, "region"),
            ("POST", "/v1/entities", #"{"id":"b","name":"again"}"#, 409, ""),
            ("POST", "/v1/metrics", #"{"entity":"b","metric":"facial_recognition_individuals"}"#, 400, "value"),
            ("POST", "/v1/metrics", #"{"entity":"b","metric":"facial_recognition_individuals","value":"many"}"#, 400, "value"),
            ("POST", "/v1/metrics", #"{"entity":"nobody","metric":"facial_recognition_individuals","value":5}"#, 400, "entity"),
            ("POST", "/v1/metrics", #"{"entity":"b","metric":"faces","value":5}"#, 400, "metric"),
            ("POST", "/v1/metrics", #"{"entity":"b","metric":"facial_recognition_individuals","value":-5}"#, 400, "value"),
            ("POST", "/v1/metrics", #"{"entity":"b","metric":"facial_recognition_individuals","value":5,"at":"2025-02-30"}"#, 400, "at"),
            ("POST", "/v1/metrics", #"{"entity":"b","metric":"facial_recognition_individuals","value":5,"at":"2999-01-01"}"#, 400, "at"),
            ("POST", "/v1/events", #"{"entity":"b","kind":"alien_landing"}"#, 400, "kind"),
            ("POST", "/v1/events", #"{"entity":"b","kind":"pi_export_certificate_issued","at":"2025-01-01"}"#, 400, "attributes.expires"),
            (
                "POST", "/v1/events", #"{"entity":"b","kind":"pi_export_certificate_issued","attributes":{"expires":"soon"}}"#, 400,
                "attributes.expires"
            ),
            (
                "POST", "/v1/events", #"{"entity":"b","kind":"important_data_notified","attributes":{"colour":"red"}}"#, 400,
                "attributes.colour"
            ),
            ("POST", "/v1/events", #"{"entity":"b","kind":"telecom_security_incident","at":"2025-03-03"}"#, 400, "at"),
            (
                "POST", "/v1/events", #"{"entity":"b","kind":"rectification_notice_shanghai","attributes":{"period":"+5xd"}}"#, 400,
                "attributes.period"
            ),
            ("POST", "/v1/obligations", #"{"entity":"b","title":"x","start":"2025-01-01","period":"+-3wd"}"#, 400, "period"),
            ("POST", "/v1/obligations", #"{"entity":"b","title":"x","start":"0001-01-01","period":"+3wd"}"#, 400, "start"),
            ("POST", "/v1/obligations", #"{"entity":"b","title":"x","start":"2025-01-01","period":"+1h"}"#, 400, "start"),
            ("POST", "/v1/obligations", #"{"entity":"b","title":" ","start":"2025-01-01","period":"+1d"}"#, 400, "title"),
            ("POST", "/v1/obligations", #"{"entity":"b","title":"x","start":"2025-01-01","period":"+1d","roll":"sideways"}"#, 400, "roll"),
            ("POST", "/v1/obligations/999/done", "{}", 404, ""),
            ("POST", "/v1/obligations/abc/done", "{}", 400, "id"),
            ("POST", "/v1/obligations/1/waive", #"{"note":""}"#, 400, "note"),
            ("POST", "/v1/metrics", #"{"entity":"b","metric":"registered_users","value":1.5}"#, 400, "value"),
            ("POST", "/v1/obligations/1/done", #"{"date":"yesterday"}"#, 400, "date"),
            ("POST", "/v1/obligations/1/reopen", "{}", 409, ""),
            ("GET", "/v1/obligations?status=late", "", 400, "status"),
            ("GET", "/v1/obligations?dueBefore=2025-13-01", "", 400, "dueBefore"),
            ("GET", "/v1/obligations?statsu=done", "", 400, "statsu"),
            ("POST", "/v1/metrics", #"{"entity":"b","metric":"registered_users","value":1,"att":"2025-01-01"}"#, 400, "att"),
            (
                "POST", "/v1/import",
                #"{"records":[{"type":"metric","entity":"b","metric":"registered_users","value":1},{"type":"metric","entity":"b","metric":"nope","value":1}]}"#,
                400, "records[1].metric"
            )
        ]
        for (method, path, body, status, field) in corpus {
            let (s, json) = try await d.request(method, path, raw: body.isEmpty ? nil : body)
            #expect(s == status, "\(method) \(path) \(body)")
            let obj = json as? [String: Any]
            #expect((obj?["error"] as? String)?.isEmpty == false, "\(path) \(body): error text")
            if !field.isEmpty { #expect(obj?["field"] as? String == field, "\(path) \(body): \(obj ?? [:])") }
            if status == 400 { #expect((obj?["fix"] as? String)?.isEmpty == false, "\(path) \(body): fix") }
        }
        #expect(try await counts(d) == before)
        #expect(try await d.request("GET", "/v1/health").0 == 200)
    }

    @Test func badCLIInputGetsOneLineAndExitStatus2() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        #expect(try obligctl(["entity", "add", "c", "C"], socket: d.socketPath).status == 0)
        let before = try await counts(d)
        let corpus: [[String]] = [
            ["metric", "report", "c", "faces", "10"],
            ["metric", "report", "c", "facial_recognition_individuals", "10", "--at", "2025-02-30"],
            ["event", "add", "c", "important_data_notified", "--attr", "novalue"],
            ["event", "add", "nobody", "important_data_notified"],
            ["obligation", "add", "c", "--title", "x", "--start", "2025-01-01", "--period", "+5xd"],
            ["list", "--status", "late"],
            ["waive", "1", "--reason", ""]
        ]
        for args in corpus {
            let r = try obligctl(args, socket: d.socketPath)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
            #expect(r.stderr.hasPrefix("obligctl: "), "\(args)")
        }
        #expect(try await counts(d) == before)
        let down = try obligctl(["list"], socket: d.stateDirectory.appendingPathComponent("none.sock").path)
        #expect(down.status == 3)
        #expect(down.stderr.contains("obligd is not running"))
    }

    @Test func importIsAllOrNothingAndFast() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "m", "name": "M"])
        let dir = d.stateDirectory
        let csv = dir.appendingPathComponent("facts.csv")
        try """
        type,entity,metric,value,kind,at,attr:expires
        metric,m,facial_recognition_individuals,50000,,2025-05-01,
        metric,m,facial_recognition_individuals,100000,,2025-05-20,
        event,m,,,pi_export_certificate_issued,2025-01-01,2026-08-31
        """.write(to: csv, atomically: true, encoding: .utf8)
        let r = try obligctl(["import", csv.path], socket: d.socketPath)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("imported 3 records: 2 obligations opened"))
        let bad = dir.appendingPathComponent("bad.jsonl")
        try """
        {"type":"metric","entity":"m","metric":"registered_users","value":10}
        {"type":"event","entity":"m","kind":"no_such_kind"}
        """.write(to: bad, atomically: true, encoding: .utf8)
        let before = try await counts(d)
        let r2 = try obligctl(["import", bad.path], socket: d.socketPath)
        #expect(r2.status == 2)
        // Named by the file's line and the field, not by the record's place in the request.
        #expect(r2.stderr.contains("bad.jsonl:2: kind: unknown event kind 'no_such_kind'"), "\(r2.stderr)")
        #expect(try await counts(d) == before)
        // A CSV record is named by its line, counting the line breaks of a quoted field before it.
        let badCSV = dir.appendingPathComponent("bad.csv")
        try "type,entity,kind,ref,at\nevent,m,network_log_written,\"two\nlines\",2025-02-01\nevent,m,no_such_kind\n"
            .write(to: badCSV, atomically: true, encoding: .utf8)
        let r3 = try obligctl(["import", badCSV.path], socket: d.socketPath)
        #expect(r3.status == 2 && r3.stderr.contains("bad.csv:4: 3 fields, the header has 5"), "\(r3.stderr)")
        #expect(try await counts(d) == before)
    }

    /// Bodies over 256 KiB are decoded and hashed on the blocking pool; the result must be the same as inline.
    @Test func largeImportIsDecodedOffTheEventLoopWithTheSameResult() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        let entities = 400
        for i in 0..<entities { _ = try await d.request("POST", "/v1/entities", json: ["id": "big\(i)", "name": "Big \(i)"]) }
        var records: [[String: Any]] = []
        for i in 0..<entities {
            for step in 0..<10 {
                records.append([
                    "type": "metric", "entity": "big\(i)", "metric": "facial_recognition_individuals",
                    "value": (step + 1) * 10_000, "at": "2025-06-\(String(format: "%02d", step + 2))"
                ])
            }
        }
        let body = String(decoding: try JSONSerialization.data(withJSONObject: ["records": records]), as: UTF8.self)
        #expect(body.utf8.count > 256 << 10, "the body takes the offloaded path")
        // While it is imported, the API keeps answering.
        async let health = { () async throws -> Int in
            try await Task.sleep(for: .milliseconds(5))
            return try await d.request("GET", "/v1/health").0
        }()
        let (s1, r1) = try await d.request("POST", "/v1/import", raw: body, headers: ["Idempotency-Key": "big-1"])
        #expect(try await health == 200)
        #expect(s1 == 201, "\(String(describing: r1))")
        let result = r1 as? [String: Any]
        #expect(result?["imported"] as? Int == entities * 10)
        #expect(result?["opened"] as? Int == entities, "one filing per entity when it reaches 100,000 on 2025-06-11")
        // The retry is recognised by the fingerprint computed off the loop: same answer, nothing applied twice.
        let before = try await counts(d)
        let (s2, r2) = try await d.request("POST", "/v1/import", raw: body, headers: ["Idempotency-Key": "big-1"])
        #expect(s2 == 201)
        #expect((r2 as? [String: Any])?["imported"] as? Int == entities * 10)
        #expect(try await counts(d) == before)
        // A different body under the same key is refused, and a malformed large body says where it broke.
        let (s3, r3) = try await d.request(
            "POST", "/v1/import", raw: body.replacingOccurrences(of: "\"big0\"", with: "\"big1\""),
            headers: ["Idempotency-Key": "big-1"])
        #expect(s3 == 409)
        #expect(((r3 as? [String: Any])?["error"] as? String)?.contains("idempotency key") == true)
        let (s4, r4) = try await d.request("POST", "/v1/import", raw: String(body.dropLast(2)))
        #expect(s4 == 400)
        #expect(((r4 as? [String: Any])?["error"] as? String)?.isEmpty == false)
        #expect(try await counts(d) == before)
    }

    @Test func socketIsGroupOnlyAndReloadRejectsBadConfig() async throws {
        let conf = try makeTemporaryDirectory("obligd-conf")
        try FileManager.default.createDirectory(at: conf.appendingPathComponent("calendars/cn"), withIntermediateDirectories: true)
        let d = try DaemonProcess(configDirectory: conf.path)
        try await d.start()
        defer { d.signal(SIGKILL) }
        let attrs = try FileManager.default.attributesOfItem(atPath: d.socketPath)
        #expect((attrs[.posixPermissions] as? Int) == 0o660)
        // A calendar file with a make-up day on a Wednesday: rejected, the daemon keeps the old config.
        try
            #"{"region":"cn","year":2027,"version":1,"notice":{"title":"t"},"holidays":[{"name":"X","from":"2027-01-01","to":"2027-01-01","makeUpDays":["2027-01-06"]}]}"#
            .write(to: conf.appendingPathComponent("calendars/cn/2027.json"), atomically: true, encoding: .utf8)
        let (s, body) = try await d.request("POST", "/v1/reload", json: [:])
        #expect(s == 422)
        #expect(((body as? [String: Any])?["error"] as? String)?.contains("2027-01-06 is a Wednesday") == true)
        d.signal(SIGHUP)
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await d.request("GET", "/v1/health").0 == 200)
        #expect(d.logText().contains("reload on SIGHUP rejected"))
    }
}
