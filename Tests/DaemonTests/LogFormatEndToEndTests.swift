import Foundation
import TestSupport
import Testing

/// obligd's own log in the foreground (#17, part 6), from a real process with stderr to a file and no
/// journal: human lines by default, JSON objects with --log-format json, and a clear refusal of a
/// format it does not know.
@Suite(.serialized) struct LogFormatEndToEndTests {
    @Test func withoutAJournalTheLogIsOneHumanLinePerEntry() async throws {
        let d = try DaemonProcess()
        try await d.start()
        try await d.stop()
        let lines = d.logText().split(separator: "\n")
        let ready = try #require(lines.first { $0.contains("obligd ready on") }, "\(lines)")
        // On PostgreSQL the node's role comes first: "leader (epoch 1) | 0 open, 0 overdue".
        let line = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} notice  obligd ready on .+: (leader \(epoch \d+\) \| )?0 open, 0 overdue/
        #expect(ready.wholeMatch(of: line) != nil, "\(ready)")
        #expect(!d.logText().contains("MESSAGE="), "no journal-export lines: \(d.logText())")
    }

    @Test func withLogFormatJSONEveryLineIsAnObject() async throws {
        let d = try DaemonProcess(arguments: ["--log-format", "json"])
        try await d.start()
        try await d.stop()
        let lines = d.logText().split(separator: "\n").filter { !$0.isEmpty }
        #expect(lines.count >= 3)
        var messages: [String] = []
        for line in lines {
            let object = try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String], "\(line)")
            #expect(object["time"] != nil && object["level"] != nil && object["logger"] != nil, "\(line)")
            messages.append(object["message"] ?? "")
        }
        #expect(messages.contains { $0.hasPrefix("obligd ready on") } && messages.contains("obligd stopped"), "\(messages)")
    }

    @Test func anUnknownFormatIsRefusedNamingTheChoices() throws {
        let r = try runProcess(Binaries.obligd, ["--log-format", "xml", "--state-dir", try makeTemporaryDirectory("obligd-lf").path])
        #expect(r.status != 0)
        #expect(r.stderr.contains("'xml' is not a log format; use auto, journal, text or json"), "\(r)")
    }
}
