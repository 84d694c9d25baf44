import DeadlineKit
import Logging
import Rules
import Scheduler
import Store
import TestSupport
import Testing

/// The Zhejiang incident reports on a real store: opened for 较大 or worse, not for 一般, and opened
/// but flagged "condition not stated" for an incident without a severity (issue 31).
struct IncidentSeverityTests {
    let now = try! Instant(parsing: "2026-04-15T02:00:00Z")
    let embedded = Embedded.configuration
    static let zhejiang: Set<String> = ["cn.zhejiang.incident-phone", "cn.zhejiang.incident-written"]

    func incident(_ store: ObligationStore, _ config: Rules.Configuration, ref: String, severity: String?) async throws -> Recorder.Outcome
    {
        try await store.transaction(config: config, now: now, actor: "test") { r in
            try r.addEvent(
                entityId: "z", kind: "telecom_security_incident", at: .instant(try Instant(parsing: "2026-04-15T01:00:00Z")),
                ref: ref, attributes: severity.map { ["severity": $0] } ?? [:])
        }
    }

    func store(_ config: Rules.Configuration) async throws -> ObligationStore {
        let store = try makeTemporaryStore()
        _ = try await Recomputation(store: store, logger: Logger(label: "test")).run(
            config: config, previous: nil, now: now, actor: "start")
        try await store.transaction(config: config, now: now, actor: "test") { r in
            _ = try r.addEntity(id: "z", name: "Z", zone: nil, region: nil, owner: nil, labels: [:])
        }
        return store
    }

    func audit(_ store: ObligationStore, _ action: String) async throws -> [AuditEntry] {
        try await store.snapshot(config: embedded, now: now) { r in try r.auditRows(after: 0, limit: 10_000) }.filter {
            $0.action == action
        }
    }

    @Test func relativelySignificantOrWorseOpensBothReportsAndGeneralNone() async throws {
        let s = try await store(embedded)
        for (ref, severity) in [("a", "较大"), ("b", "relatively-significant"), ("c", "特别重大"), ("d", "significant")] {
            let o = try await incident(s, embedded, ref: ref, severity: severity)
            #expect(Set(o.opened.compactMap(\.ruleId)) == Self.zhejiang, "\(severity)")
            #expect(o.unstated.isEmpty)
        }
        for (ref, severity) in [("e", "一般"), ("f", "general")] {
            let o = try await incident(s, embedded, ref: ref, severity: severity)
            #expect(o.opened.isEmpty && o.unstated.isEmpty, "\(severity)")
        }
    }

    @Test func anIncidentWithoutSeverityOpensBothReportsFlagged() async throws {
        let s = try await store(embedded)
        let o = try await incident(s, embedded, ref: "x", severity: nil)
        #expect(Set(o.opened.compactMap(\.ruleId)) == Self.zhejiang)
        #expect(Set(o.unstated.compactMap(\.id)) == Set(o.opened.compactMap(\.id)))
        let flags = try await audit(s, "obligation.condition-unstated")
        #expect(Set(flags.map(\.subject)) == Set(o.opened.map { "obligation:\($0.id!)" }))
        #expect(flags.allSatisfy { $0.note?.contains("condition not stated") == true && $0.note?.contains("较大及以上") == true })
    }

    @Test func aSeverityOffTheScaleIsRefusedAndRecordsNothing() async throws {
        let s = try await store(embedded)
        await #expect(throws: StoreError.self) { try await incident(s, embedded, ref: "m", severity: "medium") }
        do {
            _ = try await incident(s, embedded, ref: "m", severity: "medium")
        } catch {
            #expect("\(error)".contains("attributes.severity") && "\(error)".contains("一般"), "\(error)")
        }
        let events = try await s.snapshot(config: embedded, now: now) { r in try r.auditRows(after: 0, limit: 100) }
        #expect(!events.contains { $0.action == "obligation.opened" })
    }

    /// A state written under the pack that opened both reports for every incident: the reload flags
    /// the general incident's reports (no longer given) and the unstated one's (condition not
    /// stated), both audited; the significant one's stay as they were.
    @Test func aReloadFlagsWhatTheConditionChanges() async throws {
        var old = embedded
        for i in old.packs.indices {
            for j in old.packs[i].rules.indices where Self.zhejiang.contains(old.packs[i].rules[j].id) {
                old.packs[i].rules[j].eventConditions = []
            }
        }
        let s = try await store(old)
        let general = try await incident(s, old, ref: "g", severity: "一般").opened
        let none = try await incident(s, old, ref: "n", severity: nil).opened
        let significant = try await incident(s, old, ref: "s", severity: "重大").opened
        #expect(general.count == 2 && none.count == 2 && significant.count == 2)

        let result = try await Recomputation(store: s, logger: Logger(label: "test")).run(
            config: embedded, previous: old, now: now, actor: "reload")
        #expect(result.underived == 2)
        let underived = try await audit(s, "obligation.underived")
        #expect(Set(underived.map(\.subject)) == Set(general.map { "obligation:\($0.id!)" }))
        #expect(underived.allSatisfy { $0.note?.contains("event conditions none -> severity at least relatively-significant") == true })
        let unstated = try await audit(s, "obligation.condition-unstated")
        #expect(Set(unstated.map(\.subject)) == Set(none.map { "obligation:\($0.id!)" }))
        let open = try await s.snapshot(config: embedded, now: now) { r in try r.obligations(matching: .init(status: nil)) }
        #expect(open.filter { $0.status == .open }.count == 6, "nothing is closed: a person decides")
    }
}
