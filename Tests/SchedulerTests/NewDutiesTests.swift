import DeadlineKit
import Logging
import Rules
import Scheduler
import Store
import TestSupport
import Testing

/// The duties issue 31 adds: a rectification notice from any regulator with the time limit it states,
/// the MLPS annual plan (level 3 or above, as the annual assessment now is), the important-data
/// processors' annual risk assessment (NDSMR art. 33) and an interview summons recorded as a fact.
struct NewDutiesTests {
    let now = try! Instant(parsing: "2026-04-15T02:00:00Z")
    let embedded = Embedded.configuration

    func day(_ s: String) throws -> Start { .day(try CivilDate(parsing: s)) }

    func due(_ start: String, _ period: String) throws -> String {
        try embedded.calendar("cn").deadline(from: try CivilDate(parsing: start), try Period(parsing: period)).due.description
    }

    func store(_ config: Rules.Configuration) async throws -> ObligationStore {
        let store = try makeTemporaryStore()
        _ = try await Recomputation(store: store, logger: Logger(label: "test")).run(
            config: config, previous: nil, now: now, actor: "start")
        try await store.transaction(config: config, now: now, actor: "test") { r in
            _ = try r.addEntity(id: "e", name: "E", zone: nil, region: nil, owner: nil, labels: [:])
        }
        return store
    }

    func event(
        _ s: ObligationStore, _ config: Rules.Configuration, _ kind: String, at: String, ref: String, _ attributes: [String: String] = [:]
    ) async throws -> Recorder.Outcome {
        try await s.transaction(config: config, now: now, actor: "test") { r in
            try r.addEvent(entityId: "e", kind: kind, at: try day(at), ref: ref, attributes: attributes)
        }
    }

    /// 2026-01-27 + 15d, and 2026-02-10 + 10wd across Spring Festival 2026, each counted as the calendar
    /// counts any day period; the issuer is kept with the event.
    @Test func aRectificationNoticeRunsTheTimeLimitItStates() async throws {
        let s = try await store(embedded)
        let a = try await event(s, embedded, "rectification_notice", at: "2026-01-27", ref: "miit-1", ["issuer": "MIIT", "period": "+15d"])
        let b = try await event(
            s, embedded, "rectification_notice", at: "2026-02-10", ref: "cac-7", ["issuer": "杭州市网信办", "period": "+10wd"])
        #expect(a.opened.map(\.ruleId) == ["cn.rectification.notice"] && b.opened.map(\.ruleId) == ["cn.rectification.notice"])
        #expect(a.opened.first?.due.description == (try due("2026-01-27", "+15d")))
        #expect(b.opened.first?.due.description == (try due("2026-02-10", "+10wd")))
        #expect(
            b.opened.first?.due.description == "2026-03-02",
            "02-11..02-13, Sat 02-14 (worked), Spring Festival 02-15..02-23 skipped, 02-24..02-27, Sat 02-28 (worked), 03-02")
        let events = try await s.snapshot(config: embedded, now: now) { r in
            try r.events(entity: "e", kind: "rectification_notice", includeRetracted: false, limit: 10)
        }
        #expect(Set(events.compactMap { $0.attributes.values["issuer"] }) == ["MIIT", "杭州市网信办"])
    }

    @Test func aRectificationNoticeWithoutItsTimeLimitIsRefusedAndRecordsNothing() async throws {
        let s = try await store(embedded)
        do {
            _ = try await event(s, embedded, "rectification_notice", at: "2026-01-27", ref: "x", ["issuer": "MPS"])
            Issue.record("recorded")
        } catch {
            #expect("\(error)".contains("attributes.period") && "\(error)".contains("+15d"), "\(error)")
        }
        await #expect(throws: StoreError.self) {
            try await event(s, embedded, "rectification_notice", at: "2026-01-27", ref: "y", ["period": "-3d"])
        }
        let events = try await s.snapshot(config: embedded, now: now) { r in
            try r.events(entity: "e", kind: nil, includeRetracted: true, limit: 10)
        }
        #expect(events.isEmpty)
    }

    /// 第三级以上: a level-3 (or 第四级) system opens the annual assessment and plan, a level-2 one neither,
    /// and one filed without its level both, flagged "condition not stated".
    @Test func theMLPSAnnualDutiesAreForLevelThreeOrAbove() async throws {
        let s = try await store(embedded)
        let mlps: Set<String> = ["cn.mlps.annual-assessment", "cn.mlps.annual-plan"]
        let three = try await event(s, embedded, "mlps_system_registered", at: "2025-03-03", ref: "a", ["level": "3"])
        #expect(Set(three.opened.compactMap(\.ruleId)) == mlps && three.unstated.isEmpty)
        #expect(three.opened.allSatisfy { $0.due.description == (try? due("2025-03-03", "+1y")) })
        let four = try await event(s, embedded, "mlps_system_registered", at: "2025-03-03", ref: "b", ["level": "第四级"])
        #expect(Set(four.opened.compactMap(\.ruleId)) == mlps)
        let two = try await event(s, embedded, "mlps_system_registered", at: "2025-03-03", ref: "c", ["level": "第二级"])
        #expect(two.opened.isEmpty)
        let unknown = try await event(s, embedded, "mlps_system_registered", at: "2025-03-03", ref: "d")
        #expect(Set(unknown.opened.compactMap(\.ruleId)) == mlps && unknown.unstated.count == 2)
    }

    /// 公通字〔2007〕43号 art. 15: a level determined anew (level 2 or above) is filed within 30 days
    /// (calendar days, rolled off a rest day); level 1 opens nothing, an unstated level opens it
    /// flagged, and a major modification that keeps the level is a fact without a deadline.
    @Test func aGradeChangeIsReFiledWithinThirtyDays() async throws {
        let s = try await store(embedded)
        let rule = "cn.mlps.refiling"
        let three = try await event(s, embedded, "mlps_level_changed", at: "2026-01-20", ref: "sys-1", ["level": "第三级"])
        #expect(three.opened.map(\.ruleId) == [rule])
        #expect(three.opened.first?.due.description == (try due("2026-01-20", "+30d")))
        #expect(three.opened.first?.due.description == "2026-02-24", "2026-02-19 falls in Spring Festival: rolled to 02-24")
        let two = try await event(s, embedded, "mlps_level_changed", at: "2026-01-20", ref: "sys-2", ["level": "2"])
        #expect(two.opened.map(\.ruleId) == [rule], "第二级以上 includes level 2")
        let one = try await event(s, embedded, "mlps_level_changed", at: "2026-01-20", ref: "sys-3", ["level": "第一级"])
        #expect(one.opened.isEmpty)
        let unstated = try await event(s, embedded, "mlps_level_changed", at: "2026-01-20", ref: "sys-4")
        #expect(unstated.opened.map(\.ruleId) == [rule] && unstated.unstated.count == 1)
        let modified = try await event(s, embedded, "mlps_system_modified", at: "2026-01-20", ref: "sys-5", ["system": "OA"])
        #expect(modified.opened.isEmpty && modified.factId > 0)
        #expect(embedded.rule(rule)?.citation.contains("art. 15") == true)
        #expect(embedded.rule(rule)?.wording(.zhCN).citation.contains("第十五条") == true)
    }

    /// NDSMR art. 33 (effective 2025-01-01): each year; an entity identified before 2025 starts on
    /// 2025-01-01, one identified later a year after that day; the next one follows each due day.
    @Test func importantDataProcessorsReportAnAnnualRiskAssessment() async throws {
        let s = try await store(embedded)
        let early = try await event(s, embedded, "important_data_processor_identified", at: "2024-06-03", ref: "early")
        let late = try await event(s, embedded, "important_data_processor_identified", at: "2025-03-03", ref: "late")
        let rule = "cn.important-data.annual-risk-assessment"
        #expect(early.opened.first { $0.ruleId == rule }?.due.description == (try due("2025-01-01", "+1y")))
        #expect(late.opened.first { $0.ruleId == rule }?.due.description == (try due("2025-03-03", "+1y")))
        #expect(embedded.rule(rule)?.recurrence == (try Period(parsing: "+1y")))
        #expect(embedded.rule(rule)?.citation.contains("art. 33") == true)
    }

    @Test func anInterviewSummonsIsAFactWithoutADeadline() async throws {
        let s = try await store(embedded)
        let o = try await event(s, embedded, "regulator_interview", at: "2026-03-02", ref: "约谈-1", ["issuer": "浙江省通信管理局"])
        #expect(o.opened.isEmpty && o.factId > 0)
        let events = try await s.snapshot(config: embedded, now: now) { r in
            try r.events(entity: "e", kind: "regulator_interview", includeRetracted: false, limit: 10)
        }
        #expect(events.map(\.ref) == ["约谈-1"])
    }

    /// A state written by the pack before the annual risk assessment: the reload opens it for the
    /// entity already identified as an important-data processor, audited.
    @Test func aReloadOpensTheNewDutyFromFactsAlreadyRecorded() async throws {
        var old = embedded
        for i in old.packs.indices {
            old.packs[i].rules.removeAll { $0.id == "cn.important-data.annual-risk-assessment" }
        }
        let s = try await store(old)
        let notice = try await event(s, old, "important_data_processor_identified", at: "2025-03-03", ref: "n")
        #expect(notice.opened.isEmpty)
        let result = try await Recomputation(store: s, logger: Logger(label: "test")).run(
            config: embedded, previous: old, now: now, actor: "reload")
        #expect(result.ruleOpened == 1)
        let all = try await s.snapshot(config: embedded, now: now) { r in try r.obligations(matching: .init(status: nil)) }
        #expect(all.map(\.ruleId) == ["cn.important-data.annual-risk-assessment"])
        #expect(all.first?.due.description == (try due("2025-03-03", "+1y")))
        let history = try await s.snapshot(config: embedded, now: now) { r in try r.history(of: all[0].id!) }
        #expect(history.contains { $0.action == "obligation.opened" && $0.note?.contains("added") == true }, "\(history)")
    }
}
