import DeadlineKit
import Logging
import Rules
import Scheduler
import Store
import TestSupport
import Testing

/// A year-to-date count (`"resets": "yearly"`: the PI exported "自当年1月1日起") starts from zero on 1
/// January in the entity's zone: the certification route it gave in December ends with the year
/// unless the new year's reports meet it again; last year's figure never carries it on.
struct YearlyResetTests {
    let config = Embedded.configuration
    let metric = "cross_border_pi_individuals_ytd"
    let rule = "cn.pi-export.certification-scope"

    func day(_ s: String) throws -> Start { .day(try CivilDate(parsing: s)) }

    func report(_ store: ObligationStore, _ entity: String, _ value: Int64, on: String, now: String) async throws {
        _ = try await store.transaction(config: config, now: try Instant(parsing: now), actor: "test") { r in
            if try r.findEntity(entity) == nil {
                _ = try r.addEntity(id: entity, name: entity, zone: nil, region: nil, owner: nil, labels: [:])
            }
            return try r.reportMetric(entityId: entity, metric: metric, value: value, at: try day(on))
        }
    }

    func spans(_ store: ObligationStore, _ entity: String) async throws -> [String] {
        try await store.snapshot(config: config, now: try Instant(parsing: "2027-02-01T00:00:00Z")) { r in
            try r.classifications(entity: entity, all: true).filter { $0.ruleId == rule }
                .map { "\($0.since)..\($0.until?.description ?? "")" }
        }
    }

    @Test func theMetricResetsYearlyInThePack() throws {
        #expect(config.rule(rule)?.resets == .yearly)
        #expect(config.rule("cn.pi-export.certification-scope-sensitive")?.resets == .yearly)
        #expect(config.rule("cn.platform.large-registered")?.resets == nil)
    }

    /// December's 150,000 classifies from 2026-12-10; January's 20,000 is the new year's count: the
    /// classification ended on 2027-01-01 (00:00 in Shanghai), not on the report's day.
    @Test func aDecemberClassificationEndsWithItsYear() async throws {
        let store = try makeTemporaryStore()
        try await report(store, "e", 150_000, on: "2026-12-10", now: "2026-12-15T02:00:00Z")
        #expect(try await spans(store, "e") == ["2026-12-10.."], "still 2026: it holds")
        try await report(store, "e", 20_000, on: "2027-01-15", now: "2027-01-20T02:00:00Z")
        #expect(try await spans(store, "e") == ["2026-12-10..2027-01-01"])
    }

    /// January's own 120,000 meets the route again: a new span from its day, after a gap from 1 January
    /// (the count was below 100,000 until then).
    @Test func theNewYearsReportsMeetItAgain() async throws {
        let store = try makeTemporaryStore()
        try await report(store, "f", 150_000, on: "2026-12-10", now: "2026-12-15T02:00:00Z")
        try await report(store, "f", 120_000, on: "2027-01-15", now: "2027-01-20T02:00:00Z")
        #expect(try await spans(store, "f") == ["2026-12-10..2027-01-01", "2027-01-15.."])
    }

    /// No report in the new year: obligd's start (or a reload) after 1 January ends December's
    /// classification at the year's end all the same, audited, as the count starts from zero.
    @Test func aStartInTheNewYearEndsLastYearsClassificationWithoutAReport() async throws {
        let store = try makeTemporaryStore()
        let pass = Recomputation(store: store, logger: Logger(label: "test"))
        _ = try await pass.run(config: config, previous: nil, now: try Instant(parsing: "2026-12-01T00:00:00Z"), actor: "start")
        try await report(store, "g", 150_000, on: "2026-12-10", now: "2026-12-15T02:00:00Z")
        _ = try await pass.run(config: config, previous: config, now: try Instant(parsing: "2026-12-31T15:59:59Z"), actor: "start")
        #expect(try await spans(store, "g") == ["2026-12-10.."], "23:59:59 on 31 December in Shanghai: still 2026")
        _ = try await pass.run(config: config, previous: config, now: try Instant(parsing: "2027-01-02T02:00:00Z"), actor: "start")
        #expect(try await spans(store, "g") == ["2026-12-10..2027-01-01"])
        let audit = try await store.snapshot(config: config, now: try Instant(parsing: "2027-01-02T02:00:00Z")) { r in
            try r.auditRows(after: 0, limit: 1000)
        }
        #expect(audit.last { $0.subject == "classification:g:\(rule)" }?.note?.hasPrefix("not ") == true)
    }

    /// obligd running over New Year: the scheduler wakes at 00:00 on 1 January in Shanghai (16:00
    /// UTC), with no report, reload or restart, and ends December's classification then; a second
    /// before, it still holds.
    @Test func theSchedulerEndsItAtMidnightWhileRunning() async throws {
        let store = try makeTemporaryStore()
        try await report(store, "h", 150_000, on: "2026-12-10", now: "2026-12-15T02:00:00Z")
        let clock = ManualClock(try Instant(parsing: "2026-12-31T15:00:00Z"))
        let scheduler = ReminderScheduler(store: store, configuration: { config }, clock: clock, logger: Logger(label: "test"))
        #expect(try await scheduler.nextReminder() == (try Instant(parsing: "2026-12-31T16:00:00Z")))
        let running = Task { try await scheduler.run() }
        defer { running.cancel() }
        clock.set(try Instant(parsing: "2026-12-31T15:59:59Z"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(try await spans(store, "h") == ["2026-12-10.."], "23:59:59 in Shanghai: still 2026")
        clock.set(try Instant(parsing: "2026-12-31T16:00:00Z"))
        try await eventually("the classification ends with 2026") {
            try await spans(store, "h") == ["2026-12-10..2027-01-01"]
        }
        #expect(try await scheduler.nextReminder() == nil, "nothing open is left to end")
    }
}
