import Foundation
import Logging
import Synchronization
import TestSupport
import Testing

@testable import Delivery

@Suite struct JournalTests {
    @Test func withoutAJournalSocketTheFieldsGoToOneStderrLine() throws {
        let capture = JournalCapture()
        let n = try Delivery.Notification(id: "o-1", createdAt: 0, payload: payload(provisional: true, stage: "overdue:2@2025-10-10"))
        let r = RenderedMessage(
            language: .en, severity: n.severity, title: "t", summary: "Acme: \"report\" is overdue\nby 2 days", facts: [], note: nil)
        capture.writer.record(n, rendered: r, citation: "PIPL art. 52")
        let lines = capture.all
        try #require(lines.count == 1)
        let line = lines[0]
        #expect(!line.contains("\n"))
        #expect(
            line.hasPrefix(
                #"MESSAGE="Acme: \"report\" is overdue\nby 2 days" PRIORITY=3 MESSAGE_ID=85b26bc4367c49bbb34c6d3addfb42d0 SYSLOG_IDENTIFIER=obligd"#
            ))
        for field in [
            "OBLIGD_ENTITY=acme", "OBLIGD_OBLIGATION=1", "OBLIGD_RULE=cn.pipo.report", "OBLIGD_DUE=2025-10-10",
            "OBLIGD_STAGE=overdue:2", "OBLIGD_PROVISIONAL=true", #"OBLIGD_CITATION="PIPL art. 52""#, "OBLIGD_OUTBOX_ID=o-1"
        ] {
            #expect(line.contains(" " + field), "missing \(field) in \(line)")
        }
    }

    @Test func theWriterFallsBackWhenTheSocketIsMissingAndNeverThrows() {
        let w = JournalWriter(socketPath: "/nonexistent/socket") { _ in }
        #expect(!w.journalAvailable)
        // The default fallback writes to stderr; it must not crash on odd input either.
        JournalWriter(socketPath: "/nonexistent/socket").send([("MESSAGE", "test line from JournalTests \u{0}\u{7f}"), ("", "skipped")])
    }

    @Test func logHandlerMapsLevelsAndMetadata() throws {
        let capture = JournalCapture()
        var logger = Logger(label: "obligd.test") { label in JournalLogHandler(label: label, writer: capture.writer) }
        logger.logLevel = .debug
        logger[metadataKey: "request-id"] = "r1"
        logger.warning("receiver slow", metadata: ["receiver": "ops", "outbox.id": "o-9"])
        logger.debug("details")
        logger.critical("disk full")
        let lines = capture.all
        try #require(lines.count == 3)
        #expect(lines[0].hasPrefix(#"MESSAGE="receiver slow" PRIORITY=4 SYSLOG_IDENTIFIER=obligd OBLIGD_LOGGER=obligd.test CODE_FILE="#))
        #expect(lines[0].contains(" OBLIGD_RECEIVER=ops"))
        #expect(lines[0].contains(" OBLIGD_OUTBOX_ID=o-9"))
        #expect(lines[0].contains(" OBLIGD_REQUEST_ID=r1"))
        #expect(lines[1].contains("PRIORITY=7"))
        #expect(lines[2].contains("PRIORITY=2"))
        #expect(
            [Logger.Level.trace, .debug, .info, .notice, .warning, .error, .critical].map(JournalLogHandler.priority) == [
                7, 7, 6, 5, 4, 3, 2
            ])
        #expect(JournalLogHandler.fieldName("a.b-c d") == "OBLIGD_A_B_C_D")
    }

    @Test func theCatalogExplainsEveryMessageID() throws {
        let text = try String(contentsOf: repositoryRoot().appendingPathComponent("systemd/obligd.catalog"), encoding: .utf8)
        let entries = text.components(separatedBy: "\n-- ").dropFirst()
        let ids = entries.map { String($0.prefix(32)) }
        #expect(Set(ids) == Set(MessageClass.allCases.map(\.messageID)))
        for e in entries {
            #expect(e.contains("\nSubject: "))
            #expect(e.contains("\nDefined-By: obligd\n"))
            #expect(e.contains("\nDocumentation: "))
            #expect(e.contains("What to do:"))
        }
    }
}
