import DeadlineKit
import Testing

@testable import Rules

/// Classification spans from a metric's whole history (#14): late and out-of-order reports give the
/// right days, and a span ends at the report that stops meeting the conditions.
struct EvaluationTests {
    func o(_ value: Int64, _ at: String, _ seq: Int64) -> Observation {
        Observation(value: value, at: try! Instant(parsing: at), sequence: seq)
    }

    let band: [Rule.Condition] = [.init(op: .over, value: 100_000), .init(op: .under, value: 1_000_000)]

    @Test func spansFollowTheBandInTimeOrderNotReportOrder() throws {
        let history = [
            o(2_000_000, "2026-05-01T00:00:00Z", 4),  // above the band: out of it
            o(100_001, "2026-02-01T00:00:00Z", 2),
            o(50, "2026-01-01T00:00:00Z", 1),
            o(500_000, "2026-07-01T00:00:00Z", 3)  // reported before the May figure, observed after it
        ]
        let spans = Evaluation.spans(of: history, conditions: band)
        #expect(spans.count == 2)
        #expect(spans[0].from == (try Instant(parsing: "2026-02-01T00:00:00Z")))
        #expect(spans[0].until == (try Instant(parsing: "2026-05-01T00:00:00Z")))
        #expect(spans[1].from == (try Instant(parsing: "2026-07-01T00:00:00Z")) && spans[1].until == nil)
    }

    @Test func aValueStillInsideTheBandDoesNotStartAnotherSpan() {
        let history = [o(200_000, "2026-02-01T00:00:00Z", 1), o(300_000, "2026-03-01T00:00:00Z", 2)]
        let spans = Evaluation.spans(of: history, conditions: band)
        #expect(spans.count == 1 && spans[0].until == nil)
        #expect(Evaluation.spans(of: [], conditions: band).isEmpty)
    }
}
