import DeadlineKit
import Rules
import Testing

/// Overdue repeats inform instead of spamming: an incident report's every-5-minutes repeat backs off
/// to hourly after an hour and to daily after a day.
struct OverdueCadenceTests {
    func i(_ s: String) -> Instant { try! Instant(parsing: s) }
    func p(_ s: String) -> Period { try! Period(parsing: s) }

    func incident(backoff: Bool = true) -> ReminderPlan {
        let policy = ReminderPolicy(before: [p("-5min")], dueDayAtMinutes: nil, overdueEvery: p("+5min"), overdueBackoff: backoff)
        return ReminderPlan(
            policy: policy, due: try! CivilDate(parsing: "2025-10-02"), dueInstant: i("2025-10-01T16:05:00Z"),
            instantDeadline: true, zone: .shanghai)
    }

    /// Minutes after the due instant of the overdue stages 1...n.
    func minutes(_ plan: ReminderPlan, _ n: Int) -> [Int64] {
        (1...n).compactMap { plan.stage(1 + $0) }.map { ($0.fireAt.secondsSinceEpoch - plan.dueInstant.secondsSinceEpoch) / 60 }
    }

    @Test func everyFiveMinutesForAnHourThenHourlyThenDaily() {
        let m = minutes(incident(), 40)
        #expect(Array(m.prefix(12)) == Array(stride(from: 5, through: 60, by: 5)))
        #expect(Array(m[12..<35]) == Array(stride(from: 120, through: 1440, by: 60)))
        #expect(Array(m[35...]) == [2880, 4320, 5760, 7200, 8640])
        #expect(incident().stage(2)?.name == "overdue:1")
        #expect(incident().stage(2)?.key == "overdue:+300s@2025-10-01T16:05:00Z", "keyed by offset, never like a fixed cadence's overdue:N")
    }

    @Test func theFixedCadenceStaysWhenConfigured() {
        #expect(minutes(incident(backoff: false), 14) == Array(stride(from: 5, through: 70, by: 5)))
        #expect(incident(backoff: false).stage(2)?.key == "overdue:1@2025-10-01T16:05:00Z")
    }

    /// A back-filled incident a week overdue: the next stage is tomorrow's, not five minutes away.
    @Test func aLongOverdueIncidentIsNextRemindedAtTheDailyCadence() {
        let plan = incident()
        let now = i("2025-10-08T16:00:00Z")
        let next = try! #require(plan.firstStage(after: now))
        #expect(next.fireAt == i("2025-10-08T16:05:00Z"), "daily at the due time of day: \(next.fireAt)")
        #expect(plan.latestStage(from: 2, atOrBefore: now)?.fireAt == i("2025-10-07T16:05:00Z"))
        // In the first hour and the first day, the step and the hour.
        #expect(plan.firstStage(after: i("2025-10-01T16:31:00Z"))?.fireAt == i("2025-10-01T16:35:00Z"))
        #expect(plan.firstStage(after: i("2025-10-01T20:31:00Z"))?.fireAt == i("2025-10-01T21:05:00Z"))
    }

    @Test func dayDeadlinesStayDailyAndHourlyStepsGoDailyAfterADay() {
        let daily = ReminderPlan(
            policy: ReminderPolicy(before: [], dueDayAtMinutes: 9 * 60, overdueEvery: p("+1d")),
            due: try! CivilDate(parsing: "2025-07-14"), dueInstant: i("2025-07-14T16:00:00Z"), instantDeadline: false,
            zone: .shanghai)
        #expect(
            (1...3).compactMap { daily.stage($0)?.fireAt.description } == [
                "2025-07-15T01:00:00Z", "2025-07-16T01:00:00Z", "2025-07-17T01:00:00Z"
            ])
        let sixHourly = ReminderPlan(
            policy: ReminderPolicy(before: [], dueDayAtMinutes: nil, overdueEvery: p("+6h")),
            due: try! CivilDate(parsing: "2025-10-02"), dueInstant: i("2025-10-01T16:00:00Z"), instantDeadline: true,
            zone: .shanghai)
        #expect(
            (1...6).compactMap { sixHourly.stage($0) }.map { ($0.fireAt.secondsSinceEpoch - sixHourly.dueInstant.secondsSinceEpoch) / 3600 }
                == [6, 12, 18, 24, 48, 72])
    }
}
