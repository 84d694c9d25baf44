import DeadlineKit
import Foundation
import Rules
import Testing

@Suite("Zone")
struct ZoneTests {
    func d(_ s: String) -> CivilDate { Fixtures.d(s) }

    @Test("24:00 Shanghai of 2025-02-10 is 2025-02-10T16:00:00Z")
    func shanghai() throws {
        #expect(Zone.shanghai.endOfDay(d("2025-02-10")).description == "2025-02-10T16:00:00Z")
        #expect(Zone.shanghai.instant(d("2025-02-10"), minutesAfterMidnight: 9 * 60).description == "2025-02-10T01:00:00Z")
        #expect(Zone.shanghai.day(of: try Instant(parsing: "2025-02-10T16:00:00Z")) == d("2025-02-11"))
        #expect(Zone.shanghai.day(of: try Instant(parsing: "2025-02-10T15:59:59Z")) == d("2025-02-10"))
    }

    /// Europe/Berlin: CET (UTC+1) to CEST (UTC+2) at 01:00Z on 2025-03-30, back at 01:00Z on 2025-10-26.
    /// 24:00 of a day is 00:00 of the next, at the offset in force then.
    @Test(
        "Berlin end of day around the DST changes",
        arguments: [
            ("2025-03-29", "2025-03-29T23:00:00Z"),  // 03-30 00:00 CET
            ("2025-03-30", "2025-03-30T22:00:00Z"),  // 03-31 00:00 CEST: the 23-hour day
            ("2025-10-25", "2025-10-25T22:00:00Z"),  // 10-26 00:00 CEST
            ("2025-10-26", "2025-10-26T23:00:00Z")  // 10-27 00:00 CET: the 25-hour day
        ])
    func berlinEndOfDay(day: String, utc: String) throws {
        let berlin = try Zone("Europe/Berlin")
        #expect(berlin.endOfDay(d(day)).description == utc)
    }

    @Test("Berlin local times on the DST change days")
    func berlinTimes() throws {
        let berlin = try Zone("Europe/Berlin")
        #expect(berlin.instant(d("2025-03-30"), minutesAfterMidnight: 9 * 60).description == "2025-03-30T07:00:00Z")
        #expect(berlin.instant(d("2025-10-26"), minutesAfterMidnight: 9 * 60).description == "2025-10-26T08:00:00Z")
        #expect(berlin.instant(d("2025-03-30")).description == "2025-03-29T23:00:00Z")
        // 02:30 does not exist on 2025-03-30: the result is a real instant after the gap, on that day.
        let gap = berlin.instant(d("2025-03-30"), minutesAfterMidnight: 150)
        #expect(gap >= (try Instant(parsing: "2025-03-30T01:00:00Z")))
        #expect(gap <= (try Instant(parsing: "2025-03-30T01:30:00Z")))
        #expect(berlin.day(of: gap) == d("2025-03-30"))
        // The 23- and 25-hour days.
        #expect(berlin.endOfDay(d("2025-03-30")).secondsSinceEpoch - berlin.instant(d("2025-03-30")).secondsSinceEpoch == 23 * 3600)
        #expect(berlin.endOfDay(d("2025-10-26")).secondsSinceEpoch - berlin.instant(d("2025-10-26")).secondsSinceEpoch == 25 * 3600)
    }

    @Test("an unknown zone is an input error naming it")
    func unknownZone() {
        let error = #expect(throws: InputError.self) { try Zone("Mars/Olympus_Mons") }
        #expect(error?.token == "Mars/Olympus_Mons")
    }

    @Test("Start parses a day or an instant and names a bad token")
    func start() throws {
        #expect(try Start(parsing: "2025-01-27") == .day(d("2025-01-27")))
        #expect(try Start(parsing: "2025-01-27T08:00:00+08:00") == .instant(Instant(parsing: "2025-01-27T00:00:00Z")))
        for bad in ["2025-2-3", "2025-02-30", "tomorrow", "0000-01-01"] {
            let error = #expect(throws: InputError.self) { try Start(parsing: bad) }
            #expect(error?.token == bad)
        }
    }
}
