import DeadlineKit
import Foundation
import TestSupport
import Testing

@testable import Rules

/// Reminders keep the working-day calendar the deadlines are counted in: no stage of a day deadline
/// on a rest day, the last working day before the due day always reminded, stages that meet sent once.
struct RestDayPlanTests {
    func d(_ s: String) -> CivilDate { try! CivilDate(parsing: s) }
    func p(_ s: String) -> Period { try! Period(parsing: s) }
    let cn = Fixtures.cn
    let zone = Zone.shanghai

    func plan(_ policy: ReminderPolicy, due: String) -> ReminderPlan {
        let day = d(due)
        return ReminderPlan(
            policy: policy, due: day, dueInstant: zone.endOfDay(day), instantDeadline: false, zone: zone, calendar: cn)
    }

    /// The calendar-day stages obligd shipped before: -30d, -7d, -1d, then every day.
    var calendarDays: ReminderPolicy {
        ReminderPolicy(before: [p("-30d"), p("-7d"), p("-1d")], dueDayAtMinutes: 9 * 60, overdueEvery: p("+1d"))
    }

    func local(_ s: ReminderPlan.Stage) -> String { "\(zone.day(of: s.fireAt))" }

    /// The issue's case: an important-data notice of 2025-12-24 is due Tuesday 2026-02-24. On calendar
    /// days its reminders fell on a Sunday, the first and the last day of Spring Festival.
    @Test func springFestival2026MovesStagesToWorkingDaysAndMergesThoseThatMeet() throws {
        let moved = plan(calendarDays, due: "2026-02-24")
        let stages = moved.stages()
        #expect(stages.map(\.name) == ["before:-30d", "before:-1d", "due"])
        #expect(stages.map(local) == ["2026-01-23", "2026-02-14", "2026-02-24"])
        #expect(stages[1].merged == [.before(p("-7d"))], "-7d and -1d both moved to 02-14: sent once")
        #expect(stages[1].movedFrom == d("2026-02-23"))
        #expect(
            moved.note(for: stages[1])
                == "-1d fell on Monday 2026-02-23 (Spring Festival, 春节): sent on Saturday 2026-02-14, a make-up working day for "
                + "Spring Festival; also stands for before:-7d, which fell on the same day")
        #expect(moved.note(for: stages[2]) == nil)

        // The old behaviour, kept for those who ask for it.
        var fire = calendarDays
        fire.restDays = .fire
        #expect(plan(fire, due: "2026-02-24").stages().map(local) == ["2026-01-25", "2026-02-17", "2026-02-23", "2026-02-24"])
    }

    @Test func workingDayStagesCountTheCalendar() throws {
        let shipped = Embedded.configuration.packs[0].defaultReminders
        #expect(shipped.before == [p("-20wd"), p("-5wd"), p("-1wd")])
        let stages = plan(shipped, due: "2026-02-24").stages()
        // 2026-02-14 is a make-up Saturday: the last working day before the deadline.
        #expect(stages.map(local) == ["2026-01-20", "2026-02-10", "2026-02-14", "2026-02-24"])
        #expect(stages.allSatisfy { $0.movedFrom == nil })
    }

    /// Overdue repeats on a rest day wait for the next working day; the repeats that meet there are one
    /// reminder, named by the last of them, and the scheduler's cursor steps over them.
    @Test func overdueRepeatsWaitForTheNextWorkingDay() throws {
        let plan = plan(calendarDays, due: "2026-02-13")  // Friday before Spring Festival
        let dueIndex = plan.stages().count - 1
        let first = try #require(plan.stage(dueIndex + 1))
        #expect(first.name == "overdue:1" && local(first) == "2026-02-14", "a make-up Saturday is a working day")
        let second = try #require(plan.stage(dueIndex + 2))
        #expect(second.name == "overdue:11" && local(second) == "2026-02-24")
        #expect(second.merged.count == 9 && second.movedFrom == nil)
        #expect(plan.stage(dueIndex + 5) == second, "a merged repeat answers as the one it was merged into")
        let afterFirst = zone.instant(d("2026-02-14"), minutesAfterMidnight: 10 * 60)
        #expect(plan.firstStage(after: afterFirst) == second)
        // Downtime across the holiday: one late reminder, the latest.
        let late = zone.instant(d("2026-02-25"), minutesAfterMidnight: 8 * 60)
        #expect(plan.latestStage(from: dueIndex + 1, atOrBefore: late) == second)
        #expect(plan.latestStage(from: second.index + 1, atOrBefore: late) == nil)
        #expect(plan.workingDaysLate(at: second.fireAt) == 2, "02-14 and 02-24")
    }

    @Test func workingDayCadenceSkipsRestDaysWithoutMerging() throws {
        var policy = calendarDays
        policy.overdueEvery = p("+2wd")
        let plan = plan(policy, due: "2025-09-30")  // before National Day 2025 (10-01..10-08)
        let dueIndex = plan.stages().count - 1
        let days = (1...3).compactMap { plan.stage(dueIndex + $0) }.map(local)
        #expect(days == ["2025-10-10", "2025-10-13", "2025-10-15"], "10-09, 10-10; 10-11 (make-up Sat), 10-13; ...")
    }

    /// Every shipped rule with a day period, for every due day of 2024-2026: no stage on a rest day, the
    /// last working day before the due day has a stage, no two stages at one instant. Instant deadlines
    /// keep their offsets.
    @Test func noShippedRuleRemindsOnARestDay() throws {
        let config = Embedded.configuration
        var checked = 0
        for rule in config.rules where rule.kind == .deadline {
            let policy = config.reminderPolicy(rule: rule.id, entity: "any")
            if rule.period?.unit.isInstant == true {
                let due = zone.instant(d("2026-02-17"), minutesAfterMidnight: 3 * 60)
                let plan = ReminderPlan(
                    policy: policy, due: d("2026-02-17"), dueInstant: due, instantDeadline: true, zone: zone, calendar: cn)
                for (i, offset) in policy.before.enumerated() {
                    #expect(plan.stage(i)?.fireAt == due.adding(seconds: offset.seconds!), "\(rule.id): exact offset on a holiday")
                }
                continue
            }
            var day = d("2024-01-01")
            while day <= d("2026-12-31") {
                defer { day = day.adding(days: 1) }
                guard try cn.isWorkingDay(day) else { continue }
                let plan = plan(policy, due: "\(day)")
                var stages = plan.stages()
                var i = stages.count
                while stages.count < plan.stages().count + 15, let s = plan.stage(i) {
                    stages.append(s)
                    i = s.index + 1
                }
                for s in stages where s.stage != .due {
                    #expect(try cn.isWorkingDay(zone.day(of: s.fireAt)), "\(rule.id) due \(day): \(s.name) on \(local(s))")
                }
                #expect(Set(stages.map(\.fireAt)).count == stages.count, "\(rule.id) due \(day): two stages at one instant")
                let lastWorking = try cn.addingWorkingDays(-1, to: day)
                #expect(stages.contains { zone.day(of: $0.fireAt) == lastWorking }, "\(rule.id) due \(day): nothing on \(lastWorking)")
                checked += 1
            }
        }
        #expect(checked > 1000)
    }

    @Test func theLiaoningLabourDayCase() throws {
        // A rectification notice of 2026-04-28 is due 2026-05-06; its reminders fell in the holiday.
        let config = Embedded.configuration
        let policy = config.reminderPolicy(rule: "cn.liaoning.rectification", entity: "any")
        #expect(plan(policy, due: "2026-05-06").stages().map(local) == ["2026-04-28", "2026-04-30", "2026-05-06"])
    }

    @Test func badStagesAreRefusedAtLoad() throws {
        func load(_ reminders: String) throws(ConfigError) -> ReminderPolicy {
            let o = try JSONObject.parse(Data(reminders.utf8), file: "obligd.json")
            return try RulePack.parseReminders(o)
        }
        #expect(try load(#"{"before": ["-5wd"], "overdueEvery": "+1wd", "restDays": "fire"}"#).restDays == .fire)
        for (bad, path) in [
            (#"{"before": ["5wd"]}"#, "before[0]"), (#"{"overdueEvery": "+0d"}"#, "overdueEvery"),
            (#"{"overdueEvery": "-1d"}"#, "overdueEvery"), (#"{"restDays": "skip"}"#, "restDays")
        ] {
            #expect(throws: ConfigError.self, "\(bad)") { try load(bad) }
            do throws(ConfigError) { _ = try load(bad) } catch { #expect(error.path == path, "\(bad): \(error)") }
        }
    }

    @Test func stagesParseAndPrintInOnePlace() throws {
        for text in ["due", "before:-7d", "before:-5wd", "before:-2h", "overdue:3"] {
            #expect(try ReminderStage(parsing: text).description == text)
        }
        for bad in ["before:7d", "before:", "overdue:0", "overdue:x", "Due", "before:-7"] {
            #expect(throws: InputError.self, "\(bad)") { try ReminderStage(parsing: bad) }
        }
        #expect(try ReminderStageFilter(parsing: "before").matches(.before(p("-1wd"))))
        #expect(try !ReminderStageFilter(parsing: "before:-7d").matches(.before(p("-1d"))))
        #expect(throws: InputError.self) { try ReminderStageFilter(parsing: "before:7d") }
    }
}
