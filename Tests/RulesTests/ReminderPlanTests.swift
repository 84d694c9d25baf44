import DeadlineKit
import Rules
import Testing

struct ReminderPlanTests {
    func d(_ s: String) -> CivilDate { try! CivilDate(parsing: s) }
    func i(_ s: String) -> Instant { try! Instant(parsing: s) }
    func p(_ s: String) -> Period { try! Period(parsing: s) }

    let standard = ReminderPolicy(
        before: [try! Period(parsing: "-30d"), try! Period(parsing: "-7d"), try! Period(parsing: "-1d")],
        dueDayAtMinutes: 9 * 60, overdueEvery: try! Period(parsing: "+1d"))

    @Test func dayDeadlineStagesAreAt0900LocalInShanghai() throws {
        let plan = ReminderPlan(
            policy: standard, due: d("2025-07-14"), dueInstant: i("2025-07-14T16:00:00Z"),
            instantDeadline: false, zone: .shanghai)
        let stages = (0..<6).compactMap { plan.stage($0) }
        #expect(stages.map(\.name) == ["before:-30d", "before:-7d", "before:-1d", "due", "overdue:1", "overdue:2"])
        #expect(
            stages.map(\.fireAt.description) == [
                "2025-06-14T01:00:00Z", "2025-07-07T01:00:00Z", "2025-07-13T01:00:00Z",
                "2025-07-14T01:00:00Z", "2025-07-15T01:00:00Z", "2025-07-16T01:00:00Z"
            ])
        #expect(stages[3].key == "due@2025-07-14")
    }

    @Test func berlinReminderOnTheDSTChangeDays() throws {
        let berlin = try Zone("Europe/Berlin")
        // Spring forward 2025-03-30: 09:00 is CEST (UTC+2); the day before 09:00 is CET (UTC+1).
        let spring = ReminderPlan(
            policy: standard, due: d("2025-03-30"), dueInstant: berlin.endOfDay(d("2025-03-30")),
            instantDeadline: false, zone: berlin)
        #expect(spring.stage(2)?.fireAt.description == "2025-03-29T08:00:00Z")
        #expect(spring.stage(3)?.fireAt.description == "2025-03-30T07:00:00Z")
        #expect(spring.dueInstant.description == "2025-03-30T22:00:00Z")
        // Fall back 2025-10-26: 09:00 is CET again.
        let fall = ReminderPlan(
            policy: standard, due: d("2025-10-26"), dueInstant: berlin.endOfDay(d("2025-10-26")),
            instantDeadline: false, zone: berlin)
        #expect(fall.stage(3)?.fireAt.description == "2025-10-26T08:00:00Z")
        #expect(fall.stage(2)?.fireAt.description == "2025-10-25T07:00:00Z")
        // 02:30 does not exist on 2025-03-30: the reminder goes at the first valid instant after, 03:30 CEST.
        let gap = ReminderPlan(
            policy: ReminderPolicy(before: [], dueDayAtMinutes: 150, overdueEvery: nil), due: d("2025-03-30"),
            dueInstant: berlin.endOfDay(d("2025-03-30")), instantDeadline: false, zone: berlin)
        #expect(gap.stage(0)?.fireAt.description == "2025-03-30T01:30:00Z")
        #expect(gap.stage(1) == nil)
    }

    @Test func instantDeadlinesCountFromTheInstant() throws {
        let policy = ReminderPolicy(before: [p("-5min")], dueDayAtMinutes: nil, overdueEvery: p("+5min"))
        let plan = ReminderPlan(
            policy: policy, due: d("2025-10-02"), dueInstant: i("2025-10-01T16:05:00Z"), instantDeadline: true, zone: .shanghai)
        #expect(
            (0..<3).compactMap { plan.stage($0)?.fireAt.description } == [
                "2025-10-01T16:00:00Z", "2025-10-01T16:05:00Z", "2025-10-01T16:10:00Z"
            ])
    }

    @Test func latestStageCollapsesMissedOnes() throws {
        let plan = ReminderPlan(
            policy: standard, due: d("2025-07-14"), dueInstant: i("2025-07-14T16:00:00Z"), instantDeadline: false, zone: .shanghai)
        // Down from before the -30d stage until after the due stage: the due stage is the one to send.
        #expect(plan.latestStage(from: 0, atOrBefore: i("2025-07-14T12:00:00Z"))?.name == "due")
        #expect(plan.latestStage(from: 0, atOrBefore: i("2025-06-01T00:00:00Z")) == nil)
        // Long overdue: jumps straight to the right overdue stage.
        #expect(plan.latestStage(from: 3, atOrBefore: i("2025-09-01T02:00:00Z"))?.name == "overdue:49")
        #expect(plan.firstStage(after: i("2025-09-01T02:00:00Z"))?.name == "overdue:50")
    }
}
