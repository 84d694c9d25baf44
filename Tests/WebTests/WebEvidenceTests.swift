import Crypto
import DeadlineKit
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Rules
import Store
import TestSupport
import Testing

@testable import Web

/// Evidence in the web view: a writer closes an obligation with a file and a filing number in one
/// multipart form, the page lists them with their SHA-256, readers and writers download the bytes as
/// stored (an attachment, never rendered), and a file over the limit leaves the obligation open.
struct WebEvidenceTests {
    typealias Fixture = WebViewTests.Fixture

    static let boundary = "----obligdTestBoundary7MA4YWxkTrZu0gW"

    /// A multipart/form-data body with `fields` and one file part per `files` entry.
    static func multipart(_ fields: [String: String], files: [(name: String, type: String, bytes: [UInt8])]) -> ByteBuffer {
        var b = ByteBuffer()
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) {
            b.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(k)\"\r\n\r\n\(v)\r\n")
        }
        for f in files {
            b.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"\(f.name)\"\r\nContent-Type: \(f.type)\r\n\r\n"
            )
            b.writeBytes(f.bytes)
            b.writeString("\r\n")
        }
        b.writeString("--\(boundary)--\r\n")
        return b
    }

    static func headers(_ session: String) -> HTTPFields {
        [.cookie: "obligd_session=\(session)", .contentType: "multipart/form-data; boundary=\(boundary)"]
    }

    static func hex(_ bytes: [UInt8]) -> String { SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() }

    @Test func aWriterClosesWithAFileAndAReferenceAndAnyoneSignedInDownloadsIt() async throws {
        let f = try await Fixture()
        let id = f.obligation
        let receipt: [UInt8] = Array("%PDF-1.7 回执 <script>alert(1)</script>".utf8) + [0, 255, 13, 10]
        let writer = try await f.invite("li.wei", .writer), reader = try await f.invite("auditor", .reader)
        try await WebViewTests.withWeb(f) { client in
            let session = try await WebViewTests.signIn(client, writer)
            let page = try await client.execute(uri: "/obligations/\(id)?lang=en", method: .get, headers: WebViewTests.cookie(session))
            let csrf = try #require(WebViewTests.csrf(in: String(buffer: page.body)))
            #expect(String(buffer: page.body).contains(#"enctype="multipart/form-data""#))
            // Without the token: refused, nothing written.
            let forged = try await client.execute(
                uri: "/obligations/\(id)/done", method: .post, headers: Self.headers(session),
                body: Self.multipart(["date": "2026-02-10"], files: [("receipt.pdf", "application/pdf", receipt)]))
            #expect(forged.status == .forbidden)
            let done = try await client.execute(
                uri: "/obligations/\(id)/done", method: .post, headers: Self.headers(session),
                body: Self.multipart(
                    ["csrf": csrf, "date": "2026-02-10", "note": "filed", "reference": "浙网信备〔2026〕17号"],
                    files: [("receipt <1> 回执.pdf", "application/pdf", receipt)]))
            #expect(done.status == .seeOther)
            let closed = String(
                buffer: try await client.execute(
                    uri: "/obligations/\(id)?lang=en", method: .get, headers: WebViewTests.cookie(session)
                ).body)
            #expect(closed.contains("receipt &lt;1&gt; 回执.pdf") && closed.contains(Self.hex(receipt)), "\(closed)")
            #expect(closed.contains("浙网信备〔2026〕17号"))
            #expect(closed.contains("/obligations/\(id)/evidence?lang=en"), "a writer may add more to a closed obligation")
            // The reader downloads the same bytes, as an attachment the browser does not render.
            let readerSession = try await WebViewTests.signIn(client, reader)
            let readerPage = String(
                buffer: try await client.execute(
                    uri: "/obligations/\(id)?lang=en", method: .get, headers: WebViewTests.cookie(readerSession)
                ).body)
            #expect(readerPage.contains(Self.hex(receipt)) && !readerPage.contains("/obligations/\(id)/evidence?"))
            let file = try await client.execute(
                uri: "/obligations/\(id)/evidence/1", method: .get, headers: WebViewTests.cookie(readerSession))
            #expect(file.status == .ok && Array(file.body.readableBytesView) == receipt)
            #expect(file.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(file.headers[.contentType] == "application/octet-stream")
            #expect(file.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let anonymous = try await client.execute(uri: "/obligations/\(id)/evidence/1", method: .get)
            #expect(anonymous.status == .unauthorized && anonymous.body.readableBytes < 4000)
            #expect(!String(buffer: anonymous.body).contains("PDF"))
        }
        let added = try await f.audit().filter { $0.action == AuditAction.evidenceAdded.rawValue }
        #expect(added.count == 1 && added.allSatisfy { $0.actor == "web:li.wei" }, "the file with its reference, by the person")
        #expect(added.contains { ($0.after ?? "").contains(Self.hex(receipt)) })
    }

    @Test func aFileOverTheLimitLeavesTheObligationOpenAndSaysWhy() async throws {
        let json = #"{"evidence": {"maxFileBytes": 1024, "maxPerObligationBytes": 2048}}"#
        let config = try Embedded.configuration.replacing("obligd.json", with: Data(json.utf8), origin: "/etc/obligd/obligd.json")
        let f = try await Fixture(config: config)
        let id = f.obligation
        let writer = try await f.invite("li.wei", .writer)
        try await WebViewTests.withWeb(f) { client in
            let session = try await WebViewTests.signIn(client, writer)
            let page = try await client.execute(uri: "/obligations/\(id)?lang=en", method: .get, headers: WebViewTests.cookie(session))
            let csrf = try #require(WebViewTests.csrf(in: String(buffer: page.body)))
            for size in [1500, 4 << 20] {
                let r = try await client.execute(
                    uri: "/obligations/\(id)/done", method: .post, headers: Self.headers(session),
                    body: Self.multipart(["csrf": csrf], files: [("big.bin", "application/octet-stream", Array(repeating: 7, count: size))])
                )
                #expect(r.status == .badRequest, "\(size)")
                #expect(String(buffer: r.body).contains("evidence"), "\(String(buffer: r.body))")
            }
        }
        let o = try await f.store.snapshot(config: f.config, now: f.clock.withLock { $0 }) { r in try r.findObligation(id) }
        #expect(o?.status == .open, "the close and the file are one transaction")
        #expect(try await f.audit().contains { $0.action == AuditAction.evidenceAdded.rawValue } == false)
    }
}
