import Foundation
import Synchronization
import TestSupport
import Testing

@testable import Delivery

/// Foreground logs a person can read (#17, part 6): one human line per entry, or one JSON object
/// per line for a log shipper, with the entry's fields kept.
@Suite struct LogFormatTests {
    static let fields: [(name: String, value: String)] = [
        ("MESSAGE", "receiver ding paused: HTTP 401\nsee obligctl receiver list"), ("PRIORITY", "3"),
        ("SYSLOG_IDENTIFIER", "obligd"), ("OBLIGD_LOGGER", "obligd.delivery"), ("CODE_FILE", "Dispatcher.swift"),
        ("CODE_LINE", "312"), ("OBLIGD_RECEIVER", "ding"), ("OBLIGD_OUTBOX", "o 1")
    ]

    @Test func aTextLineHasTimeLevelMessageAndTheEntrysFields() throws {
        let date = Date(timeIntervalSince1970: 1_764_000_000)
        let line = LogFormat.textLine(Self.fields, at: date)
        let clock = LogFormat.clock.string(from: date)
        #expect(line == #"\#(clock) error   receiver ding paused: HTTP 401 | see obligctl receiver list  receiver=ding outbox="o 1""#)
        #expect(!line.contains("CODE_") && !line.contains("PRIORITY") && !line.contains("\n"))
        let info = LogFormat.textLine([("MESSAGE", "obligd ready on /run/obligd/obligd.sock: 0 open"), ("PRIORITY", "5")], at: date)
        #expect(info == "\(clock) notice  obligd ready on /run/obligd/obligd.sock: 0 open")
    }

    @Test func aJSONLineIsOneObjectWithEveryField() throws {
        let line = LogFormat.jsonLine(Self.fields, at: Date(timeIntervalSince1970: 1_764_000_000.25))
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["time"] == "2025-11-24T16:00:00.250Z")
        #expect(object["level"] == "error")
        #expect(object["message"] == "receiver ding paused: HTTP 401\nsee obligctl receiver list")
        #expect(object["receiver"] == "ding" && object["outbox"] == "o 1" && object["logger"] == "obligd.delivery")
        #expect(object["code_line"] == "312" && object["priority"] == nil)
    }

    @Test func theWriterUsesItsFormatInsteadOfTheJournal() throws {
        let lines = Mutex<[String]>([])
        for format in [LogFormat.text, .json] {
            JournalWriter(socketPath: "/nonexistent/socket", format: format) { l in lines.withLock { $0.append(l) } }
                .send([("MESSAGE", "hello"), ("PRIORITY", "6")])
        }
        let got = lines.withLock { $0 }
        #expect(got.count == 2)
        #expect(got.first?.hasSuffix(" info    hello") == true, "\(got)")
        #expect(got.last?.hasPrefix("{") == true && got.last?.contains(#""message":"hello""#) == true, "\(got)")
    }
}
