import Foundation
import Logging
import TestSupport
import Testing

@testable import Delivery

/// Against a real systemd-journald: run through scripts/test-journald, which starts one in a private
/// namespace, installs systemd/obligd.catalog there and sets OBLIGD_TEST_JOURNALD=1.
@Suite(
    .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["OBLIGD_TEST_JOURNALD"] == "1",
        "needs a private journald: run scripts/test-journald"))
struct JournaldTests {
    func journalctl(_ args: [String]) throws -> String {
        let r = try runProcess("journalctl", ["--no-pager"] + args, mergeStderr: true, timeout: .seconds(30))
        try #require(r.status == 0, "journalctl \(args) failed: \(r.stdout)")
        return r.stdout
    }

    func entries(_ match: [String]) throws -> [[String: Any]] {
        try journalctl(["-o", "json"] + match).split(separator: "\n").compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    @Test func notificationsArriveWithEveryFieldAndTheCatalogExplainsThem() async throws {
        let writer = JournalWriter()
        try #require(writer.journalAvailable, "no journal socket at \(JournalWriter.defaultSocketPath)")
        let run = UUID().uuidString.lowercased()
        let cases: [(String, String?)] = [
            ("obligation.opened", nil), ("obligation.moved", nil), ("obligation.done", nil), ("obligation.waived", nil),
            ("obligation.reopened", nil), ("reminder", "before:-7d"), ("reminder", "due"), ("reminder", "overdue:2")
        ]
        var sent: [Delivery.Notification] = []
        for (i, c) in cases.enumerated() {
            let n = try Delivery.Notification(
                id: "\(run)-\(i)", createdAt: 0,
                payload: payload(kind: c.0, provisional: i % 2 == 0, stage: c.1, from: c.0 == "obligation.moved" ? "2025-09-30" : nil))
            let r = RenderedMessage(
                language: .en, severity: n.severity, title: "t", summary: "summary \(i) of \(run)\nsecond line", facts: [], note: nil)
            writer.record(n, rendered: r, citation: "Measures art. \(i)")
            sent.append(n)
        }
        var failing = sent[7]
        failing.id = "\(run)-failing"
        failing.kind = .deliveryFailing
        failing.receiver = "ops"
        failing.error = "HTTP 404: no_service"
        writer.record(
            failing,
            rendered: RenderedMessage(language: .en, severity: .error, title: "t", summary: "gave up on ops", facts: [], note: nil),
            citation: "")
        sent.append(failing)

        for n in sent {
            var found: [[String: Any]] = []
            for _ in 0..<50 {
                found = try entries([
                    "SYSLOG_IDENTIFIER=obligd", "MESSAGE_ID=\(n.messageClass?.messageID ?? "")", "OBLIGD_OUTBOX_ID=\(n.id)"
                ])
                if !found.isEmpty { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(found.count == 1, "entry for \(n.id)")
            let e = found[0]
            #expect(e["PRIORITY"] as? String == String(n.severity.syslogPriority))
            #expect(e["OBLIGD_ENTITY"] as? String == "acme")
            #expect(e["OBLIGD_OBLIGATION"] as? String == "1")
            #expect(e["OBLIGD_RULE"] as? String == "cn.pipo.report")
            #expect(e["OBLIGD_DUE"] as? String == "2025-10-10")
            #expect(e["OBLIGD_PROVISIONAL"] as? String == (n.provisional ? "true" : "false"))
            #expect(e["OBLIGD_STAGE"] as? String == n.stageName)
            #expect(e["OBLIGD_KIND"] as? String == n.kind.rawValue)
            if n.kind != .deliveryFailing {
                #expect((e["OBLIGD_CITATION"] as? String)?.hasPrefix("Measures art.") == true)
                // A MESSAGE with a newline is stored intact (journald returns such values as a byte array).
                let message =
                    (e["MESSAGE"] as? String) ?? (e["MESSAGE"] as? [Int]).map { String(decoding: $0.map(UInt8.init), as: UTF8.self) }
                #expect(message?.hasSuffix("of \(run)\nsecond line") == true)
            } else {
                #expect(e["OBLIGD_RECEIVER"] as? String == "ops")
                #expect(e["OBLIGD_ERROR"] as? String == "HTTP 404: no_service")
            }
        }

        // journalctl -x adds the catalog text, with the entry's fields filled in.
        let overdue = try journalctl(["-x", "OBLIGD_OUTBOX_ID=\(run)-7"])
        #expect(overdue.contains("OVERDUE: Report the PI protection officer for acme was due 2025-10-10"), "\(overdue)")
        #expect(overdue.contains("escalate to the owner"))
        let failingText = try journalctl(["-x", "OBLIGD_OUTBOX_ID=\(run)-failing"])
        #expect(failingText.contains("Notifications to receiver ops are failing"), "\(failingText)")
    }

    @Test func theLogHandlerWritesFieldsAndPriorities() async throws {
        let run = UUID().uuidString.lowercased()
        let logger = Logger(label: "obligd.journald-test") { JournalLogHandler(label: $0) }
        logger.error("receiver down", metadata: ["receiver": "ops", "run.id": "\(run)"])
        var found: [[String: Any]] = []
        for _ in 0..<50 {
            found = try entries(["SYSLOG_IDENTIFIER=obligd", "OBLIGD_RUN_ID=\(run)"])
            if !found.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(found.count == 1)
        #expect(found[0]["MESSAGE"] as? String == "receiver down")
        #expect(found[0]["PRIORITY"] as? String == "3")
        #expect(found[0]["OBLIGD_RECEIVER"] as? String == "ops")
        #expect(found[0]["OBLIGD_LOGGER"] as? String == "obligd.journald-test")
        #expect((found[0]["CODE_FILE"] as? String)?.hasSuffix("JournaldTests.swift") == true)
    }
}
