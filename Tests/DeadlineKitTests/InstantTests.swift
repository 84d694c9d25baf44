import DeadlineKit
import Testing

@Suite("Instant")
struct InstantTests {
    @Test(
        "parses RFC 3339 with an explicit offset",
        arguments: [
            ("2025-03-03T14:05:00+08:00", "2025-03-03T06:05:00Z"),
            ("2025-03-03T14:05+08:00", "2025-03-03T06:05:00Z"),
            ("2025-03-03T14:05:00Z", "2025-03-03T14:05:00Z"),
            ("2025-03-03t14:05:00z", "2025-03-03T14:05:00Z"),
            ("2025-03-03T14:05:59.999+08:00", "2025-03-03T06:05:59Z"),  // fraction dropped, not rounded
            ("2025-03-03T00:30:00+08:00", "2025-03-02T16:30:00Z"),  // previous UTC day
            ("2025-03-03T20:00:00-05:30", "2025-03-04T01:30:00Z"),  // next UTC day
            ("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z")  // before the epoch
        ])
    func parses(text: String, utc: String) throws {
        #expect(try Instant(parsing: text).description == utc)
    }

    @Test(
        "rejects instants without an offset or with impossible fields",
        arguments: [
            "2025-03-03T14:05:00", "2025-03-03 14:05:00+08:00", "2025-03-03T24:00Z", "2025-03-03T14:60Z",
            "2025-03-03T14:05:60Z", "2025-03-03T14:05+0800", "2025-03-03T1:05Z", "2025-03-03T14:05:00+24:00",
            "2025-03-03T14:05:00+08:00x", "2025-03-03T", "2025-03-03T14:05:00Zx", "2025-03-03T14:05:00ZZ",
            "2025-03-03T14:05:00.Q+08:00", "2025-03-03T14:05:00+08:0", "2025-03-03T14:05:00+08-00", "2025-03-03T14"
        ])
    func rejects(text: String) {
        let error = #expect(throws: InputError.self) { try Instant(parsing: text) }
        #expect(error?.token == text)
    }

    @Test("an impossible date inside an instant is reported by its date token")
    func badDatePart() {
        let error = #expect(throws: InputError.self) { try Instant(parsing: "2025-02-30T10:00Z") }
        #expect(error?.token == "2025-02-30")
    }

    @Test("civil day of an instant at a UTC offset")
    func civilDate() throws {
        let i = try Instant(parsing: "2025-02-10T16:00:00Z")
        #expect(i.civilDate().description == "2025-02-10")
        #expect(i.civilDate(utcOffset: 8 * 3600).description == "2025-02-11")  // 24:00 Shanghai = next day 00:00
        #expect(i.adding(seconds: -1).civilDate(utcOffset: 8 * 3600).description == "2025-02-10")
        #expect(Instant(secondsSinceEpoch: -1).civilDate().description == "1969-12-31")
    }

    @Test("Instant(date:utcOffset:) is midnight local")
    func fromDate() throws {
        let d = try CivilDate(parsing: "2025-02-11")
        #expect(Instant(date: d, utcOffset: 8 * 3600).description == "2025-02-10T16:00:00Z")
    }
}

@Suite("Instant error tokens")
struct InstantErrorTokenTests {
    /// A "t" inside a word is not a date/time separator: the whole token is reported, never '' or a
    /// fragment (regression: "tomorrow" used to be reported as '').
    @Test("text that is not an instant is reported whole", arguments: ["tomorrow", "xT10:00Z", "2025-1-3T10:00Z", "T10:00Z"])
    func wholeToken(text: String) {
        let error = #expect(throws: InputError.self) { try Instant(parsing: text) }
        #expect(error?.token == text)
    }
}
