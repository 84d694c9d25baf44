import Foundation
import TestSupport
import Testing

/// A corpus of malformed requests through a real obligd (#13): every one is answered with a JSON 4xx
/// (an `error` string) within 2 s, the daemon stays up, and the state is the same afterwards.
@Suite struct MalformedCorpusTests {
    struct Case {
        var name: String
        var bytes: [UInt8]
    }

    static func request(_ method: String, _ path: String, _ body: String, contentType: String? = "application/json") -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: obligd\r\n"
        if let contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        return Array((head + body).utf8)
    }

    /// Valid bodies of the writing routes, each of which the corpus breaks in every way below.
    static let bodies: [(String, String, [(String, String)])] = [
        ("/v1/entities", "POST", [("id", #""corp""#), ("name", #""Corp Ltd""#), ("zone", #""Asia/Shanghai""#)]),
        (
            "/v1/events", "POST",
            [
                ("entity", #""acme""#), ("kind", #""rectification_notice_shanghai""#), ("at", #""2025-01-27""#), ("ref", #""R-2""#),
                ("attributes", #"{"period": "+10wd"}"#)
            ]
        ),
        (
            "/v1/metrics", "POST",
            [("entity", #""acme""#), ("metric", #""facial_recognition_individuals""#), ("value", "150000"), ("at", #""2025-06-01""#)]
        ),
        ("/v1/obligations", "POST", [("entity", #""acme""#), ("title", #""Reply""#), ("start", #""2025-03-03""#), ("period", #""+10wd""#)]),
        ("/v1/obligations/1/done", "POST", [("date", #""2025-04-01""#), ("note", #""filed""#)]),
        ("/v1/obligations/1/ack", "POST", [("note", #""mine""#), ("until", #""2025-04-01""#)])
    ]

    static func object(_ fields: [(String, String)]) -> String { "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}" }

    static var corpus: [Case] {
        var cases: [Case] = []
        func add(_ name: String, _ bytes: [UInt8]) { cases.append(Case(name: name, bytes: bytes)) }
        // Framing and the request line.
        let framing = [
            "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET /v1/health\r\n\r\n", "GET /v1/health HTTP/9.9\r\n\r\n",
            "GET /v1/health HTTP/1.1\r\nBad Header\r\n\r\n",
            "GET /v1/health HTTP/1.1\r\n: empty name\r\n\r\n", "POST /v1/entities HTTP/1.1\r\nContent-Length: 50\r\n\r\n{\"id\":\"x\"}",
            "POST /v1/entities HTTP/1.1\r\nContent-Length: -1\r\n\r\n{}", "POST /v1/entities HTTP/1.1\r\nContent-Length: abc\r\n\r\n{}",
            "POST /v1/entities HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "POST /v1/entities HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            "POST /v1/entities HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{}",
            "POST /v1/entities HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nabc", "\u{01}\u{02}\u{03}\r\n\r\n", " GET / HTTP/1.1\r\n\r\n",
            "GET /v1/health HTTP/1.1\r\nHost: x\r\nX: \u{7f}\r\n\r\n"
        ]
        for (i, f) in framing.enumerated() { add("framing \(i)", Array(f.utf8)) }
        // Routes, methods and media types.
        add("unknown route", request("GET", "/v1/nope", ""))
        add("unknown route with body", request("POST", "/v2/entities", "{}"))
        add("wrong method", request("DELETE", "/v1/entities", ""))
        add("wrong method on an id", request("PUT", "/v1/obligations/1", "{}"))
        add("text body", request("POST", "/v1/entities", #"{"id":"t","name":"T"}"#, contentType: "text/plain"))
        add("form body", request("POST", "/v1/entities", "id=t&name=T", contentType: "application/x-www-form-urlencoded"))
        for id in ["0", "-1", "abc", "99999999999999999999", "1.5", "%00"] {
            add("obligation id \(id)", request("GET", "/v1/obligations/\(id)", ""))
            add("done on id \(id)", request("POST", "/v1/obligations/\(id)/done", "{}"))
        }
        for q in ["limit=0", "limit=-5", "limit=abc", "status=closed", "dueBefore=2025-13-01", "entity=nosuch"] {
            add("list \(q)", request("GET", "/v1/obligations?\(q)", ""))
        }
        for (path, method, fields) in bodies {
            let body = object(fields)
            // Every truncation of a valid body is invalid JSON (or, empty, a body missing its fields).
            let bytes = Array(body.utf8)
            for k in stride(from: 1, to: bytes.count, by: 1) {
                add("\(path) cut at \(k)", request(method, path, String(decoding: bytes[..<k], as: UTF8.self)))
            }
            add("\(path) trailing comma", request(method, path, String(body.dropLast()) + ",}"))
            add("\(path) two values", request(method, path, body + " " + body))
            add("\(path) array", request(method, path, "[\(body)]"))
            for (i, field) in fields.enumerated() {
                var twice = fields
                twice.append(field)
                add("\(path) \(field.0) twice", request(method, path, object(twice)))
                for wrong in ["[]", "{}", "true", "12x", "\"\u{01}\"", "01"]
                where wrong != field.1 && !(wrong == "{}" && field.1.hasPrefix("{")) {
                    var f = fields
                    f[i].1 = wrong
                    add("\(path) \(field.0)=\(wrong)", request(method, path, object(f)))
                }
            }
        }
        // Values the API refuses although the JSON is fine.
        let events: [String] = [
            #"{"entity": "acme", "kind": "important_data_notified", "at": "2025-13-01"}"#,
            #"{"entity": "acme", "kind": "important_data_notified", "at": "0000-01-01"}"#,
            #"{"entity": "acme", "kind": "important_data_notified", "at": "10000-01-01"}"#,
            #"{"entity": "acme", "kind": "important_data_notified", "at": "1899-12-31"}"#,
            #"{"entity": "acme", "kind": "important_data_notified", "at": "2025-3-3"}"#,
            #"{"entity": "acme", "kind": "important_data_notified", "at": "tomorrow"}"#,
            #"{"entity": "acme", "kind": "important_data_notified", "at": ""}"#,
            #"{"entity": "acme", "kind": "no_such_kind"}"#,
            #"{"entity": "nosuch", "kind": "important_data_notified", "at": "2025-03-03"}"#,
            #"{"entity": "acme\u0000x", "kind": "important_data_notified", "at": "2025-03-03"}"#,
            #"{"entity": "acme", "kind": "rectification_notice_shanghai", "at": "2025-01-27", "attributes": {"period": "-5wd"}}"#,
            #"{"entity": "acme", "kind": "rectification_notice_shanghai", "at": "2025-01-27", "attributes": {"period": "5"}}"#,
            #"{"entity": "acme", "kind": "rectification_notice_shanghai", "at": "2025-01-27", "attributes": {"color": "red"}}"#,
            #"{"entity": "acme", "kind": "pi_export_certificate_issued", "at": "2025-01-27", "attributes": {"expires": "0001-01-01"}}"#,
            #"{"entity": "acme", "kind": "pi_export_certificate_issued", "at": "2025-01-27"}"#,
            #"{"entity": "acme", "kind": "telecom_security_incident", "at": "2025-01-27"}"#,
            #"{"entity": "acme", "kind": "important_data_notified", "at": "2025-03-03", "ref": "\#(String(repeating: "r", count: 300))"}"#
        ]
        for (i, e) in events.enumerated() { add("event value \(i)", request("POST", "/v1/events", e)) }
        let metrics = ["-1", "1.5", "\"5\"", "1e99", "99999999999999999999", "null"]
        for v in metrics {
            add(
                "metric value \(v)",
                request("POST", "/v1/metrics", #"{"entity": "acme", "metric": "facial_recognition_individuals", "value": \#(v)}"#))
        }
        add("unknown metric", request("POST", "/v1/metrics", #"{"entity": "acme", "metric": "nope", "value": 1}"#))
        for p in ["5wd", "+0x", "", "+", "+1000000000wd", "+10 wd"] {
            add(
                "custom period \(p)",
                request("POST", "/v1/obligations", #"{"entity": "acme", "title": "T", "start": "2025-03-03", "period": "\#(p)"}"#))
        }
        add(
            "custom roll",
            request(
                "POST", "/v1/obligations", #"{"entity": "acme", "title": "T", "start": "2025-03-03", "period": "+1d", "roll": "sideways"}"#)
        )
        add("waive without reason", request("POST", "/v1/obligations/1/waive", "{}"))
        add("reopen an open one", request("POST", "/v1/obligations/1/reopen", "{}"))
        add("done on a date that is not one", request("POST", "/v1/obligations/1/done", #"{"date": "2025-02-30"}"#))
        add("retract without reason", request("POST", "/v1/events/1/retract", "{}"))
        add("retract unknown", request("POST", "/v1/events/999/retract", #"{"reason": "x"}"#))
        add("import nothing valid", request("POST", "/v1/import", #"{"records": [{"type": "metric", "entity": "acme"}]}"#))
        add("import unknown type", request("POST", "/v1/import", #"{"records": [{"type": "rumour", "entity": "acme"}]}"#))
        // The classes of #34: CONNECT (NIO sends its answers without a body), a NUL in any text, a body
        // that is not UTF-8, `null` for the whole body, a boolean that is neither, a header out of bounds.
        add("CONNECT an authority", Array("CONNECT obligd:443 HTTP/1.1\r\nHost: obligd:443\r\n\r\n".utf8))
        add("CONNECT a path", Array("CONNECT /v1/health HTTP/1.1\r\nHost: obligd\r\n\r\n".utf8))
        add("zone with a NUL", request("POST", "/v1/entities", #"{"id": "nul", "name": "N", "zone": "Asia/Shanghai\u0000x"}"#))
        add("label with a NUL", request("POST", "/v1/entities", #"{"id": "nul", "name": "N", "labels": {"a": "b\u0000"}}"#))
        add("note with a NUL", request("POST", "/v1/obligations/1/waive", #"{"note": "\u0000"}"#))
        add("feed label with a NUL", request("POST", "/v1/feeds", #"{"label": "x\u0000"}"#))
        add("receiver with a NUL", request("POST", "/v1/outbox/nope/drop", #"{"receiver": "r\u0000", "reason": "x"}"#))
        add(
            "not UTF-8",
            Array(#"POST /v1/entities HTTP/1.1\#r\#nContent-Type: application/json\#r\#nContent-Length: 24\#r\#n\#r\#n{"id":""#.utf8) + [
                0xFF, 0xFE
            ] + Array(#"","name":"x"}  "#.utf8))
        add("null body", request("POST", "/v1/entities", "null"))
        add("boolean AAA", request("GET", "/v1/events?all=AAA", ""))
        add(
            "backup with a long actor",
            Array(
                ("POST /v1/backup HTTP/1.1\r\nContent-Type: application/json\r\nX-Obligd-Actor: \(String(repeating: "x", count: 65))\r\nContent-Length: 2\r\n\r\n{}")
                    .utf8))
        add(
            "backup with a bad key",
            Array("POST /v1/backup HTTP/1.1\r\nContent-Type: application/json\r\nIdempotency-Key: a b\r\nContent-Length: 2\r\n\r\n{}".utf8))
        add("outbox retry unknown", request("POST", "/v1/outbox/nope/retry", "{}"))
        add("receiver resume unknown", request("POST", "/v1/receivers/nope/resume", "{}"))
        add(
            "claimed actor too long",
            Array(
                ("POST /v1/entities HTTP/1.1\r\nContent-Type: application/json\r\nX-Obligd-Actor: \(String(repeating: "x", count: 80))\r\nContent-Length: 23\r\n\r\n{\"id\":\"z\",\"name\":\"Z\"}  ")
                    .utf8))
        return cases
    }

    /// One request on its own connection (half-closed after sending); the status, body and time.
    static func send(_ bytes: [UInt8], to path: String) throws -> (status: Int, body: String, seconds: Double) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() where i < raw.count - 1 { raw[i] = b }
        }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect: \(errno)") }
        let start = Date()
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        shutdown(fd, Int32(SHUT_WR))
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            answer += buffer[..<n]
            // Stop after the first complete response (the connection may stay open).
            let text = String(decoding: answer, as: UTF8.self)
            if let split = text.range(of: "\r\n\r\n"),
                let length = text[..<split.lowerBound].split(separator: "\r\n").first(where: {
                    $0.lowercased().hasPrefix("content-length:")
                })
                .flatMap({ Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) }),
                text.utf8.distance(from: split.upperBound.samePosition(in: text.utf8)!, to: text.utf8.endIndex) >= length
            {
                break
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let text = String(decoding: answer, as: UTF8.self)
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first.flatMap { Int($0) } ?? 0
        let body = text.range(of: "\r\n\r\n").map { String(text[$0.upperBound...]) } ?? ""
        return (status, body, seconds)
    }

    func dump(_ d: DaemonProcess) async throws -> String {
        var out = ""
        for path in [
            "/v1/entities", "/v1/obligations?status=all", "/v1/events?all=true", "/v1/audit?limit=10000",
            "/v1/metrics?entity=acme&metric=facial_recognition_individuals", "/v1/outbox?status=all"
        ] {
            let (_, body) = try await d.request("GET", path)
            out +=
                path + " " + String(decoding: try JSONSerialization.data(withJSONObject: body ?? [], options: [.sortedKeys]), as: UTF8.self)
                + "\n"
        }
        return out
    }

    @Test func everyMalformedRequestGetsAJSON4xxQuicklyAndChangesNothing() async throws {
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        #expect(try await d.request("POST", "/v1/entities", json: ["id": "acme", "name": "ACME"]).0 == 201)
        #expect(
            try await d.request("POST", "/v1/events", json: ["entity": "acme", "kind": "important_data_notified", "at": "2025-03-03"]).0
                == 201)
        #expect(
            try await d.request(
                "POST", "/v1/metrics",
                json: ["entity": "acme", "metric": "facial_recognition_individuals", "value": 120_000, "at": "2025-05-20"]
            ).0 == 201)
        let before = try await dump(d)
        let corpus = Self.corpus
        #expect(corpus.count >= 500, "the corpus has \(corpus.count) requests")
        var failures: [String] = []
        for c in corpus {
            let r = try Self.send(c.bytes, to: d.socketPath)
            let json = (try? JSONSerialization.jsonObject(with: Data(r.body.utf8))) as? [String: Any]
            if !(400..<500).contains(r.status) || json?["error"] as? String == nil || r.seconds >= 2 {
                failures.append("\(c.name): \(r.status) in \(String(format: "%.2f", r.seconds)) s: \(r.body.prefix(200))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(corpus.count):\n\(failures.prefix(40).joined(separator: "\n"))")
        #expect(try await d.request("GET", "/v1/health").0 == 200, "obligd is still up")
        let after = try await dump(d)
        #expect(before == after, "the state changed")
    }
}
