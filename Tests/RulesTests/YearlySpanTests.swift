import DeadlineKit
import Testing

@testable import Rules

/// A metric that starts from zero each year (自当年1月1日起): spans and crossings are counted within
/// each year of the entity's zone, and a span still holding ends with its year once that has come.
struct YearlySpanTests {
    let zone = Zone.shanghai
    let conditions = [Rule.Condition(op: .atLeast, value: 100_000), Rule.Condition(op: .under, value: 1_000_000)]

    func at(_ s: String) throws -> Instant { try Instant(parsing: s) }
    func report(_ value: Int64, _ s: String, _ n: Int64) throws -> Observation { Observation(value: value, at: try at(s), sequence: n) }

    @Test func aSpanEndsAtMidnightOfTheNewYearInTheZoneOnceItHasCome() throws {
        let dec = [try report(150_000, "2026-12-10T02:00:00Z", 1)]
        let newYear = try at("2026-12-31T16:00:00Z")  // 2027-01-01 00:00 in Shanghai
        let before = Evaluation.yearlySpans(of: dec, conditions: conditions, zone: zone, now: newYear.adding(seconds: -1))
        #expect(before.count == 1 && before[0].until == nil)
        let after = Evaluation.yearlySpans(of: dec, conditions: conditions, zone: zone, now: newYear)
        #expect(after.count == 1 && after[0].until == newYear)
        // Without the reset, the same history holds on into the new year.
        #expect(Evaluation.spans(of: dec, conditions: conditions).map(\.until) == [nil])
    }

    @Test func theNewYearsFirstReportStartsFromZero() throws {
        let now = try at("2027-03-01T00:00:00Z")
        let newYear = try at("2026-12-31T16:00:00Z")
        // January's 20,000 is the new year's count: below, so nothing from 2027.
        let low = [try report(150_000, "2026-12-10T02:00:00Z", 1), try report(20_000, "2027-01-15T02:00:00Z", 2)]
        #expect(Evaluation.yearlySpans(of: low, conditions: conditions, zone: zone, now: now).map(\.until) == [newYear])
        // January's 120,000 meets it again, from its own instant.
        let high = [try report(150_000, "2026-12-10T02:00:00Z", 1), try report(120_000, "2027-01-15T02:00:00Z", 2)]
        let spans = Evaluation.yearlySpans(of: high, conditions: conditions, zone: zone, now: now)
        #expect(spans.map(\.from) == [try at("2026-12-10T02:00:00Z"), try at("2027-01-15T02:00:00Z")])
        #expect(spans.map(\.until) == [newYear, nil])
        // A report at the new year's first instant that meets it again: one span, unbroken.
        let atMidnight = [try report(150_000, "2026-12-10T02:00:00Z", 1), Observation(value: 100_000, at: newYear, sequence: 2)]
        #expect(Evaluation.yearlySpans(of: atMidnight, conditions: conditions, zone: zone, now: now).map(\.until) == [nil])
        // A crossing in each year: the count is met anew in the new year.
        let crossings = Evaluation.yearlyCrossings(of: high, conditions: conditions, reopenOnRecross: false, zone: zone)
        #expect(crossings == [try at("2026-12-10T02:00:00Z"), try at("2027-01-15T02:00:00Z")])
        #expect(Evaluation.crossings(of: high, conditions: conditions, reopenOnRecross: false).count == 1)
    }
}
