import DeadlineKit
import Logging
import Rules
import Scheduler
import Store
import TestSupport
import Testing

/// The thresholds of the pack on a real store, at their numbers as the Chinese text reads them, and a
/// reload of a state written under the pack that read them as "over" (issue 31).
struct ThresholdTests {
    let now = try! Instant(parsing: "2026-04-15T00:00:00Z")
    let embedded = Embedded.configuration

    func day(_ s: String) throws -> Start { .day(try CivilDate(parsing: s)) }

    /// The embedded pack as it read before issue 31: PIPO and the large-platform counts as `>`.
    func overPack() -> Rules.Configuration {
        var c = embedded
        for i in c.packs.indices {
            for j in c.packs[i].rules.indices {
                let r = c.packs[i].rules[j]
                guard ["cn.pipo.report", "cn.platform.large-registered"].contains(r.id),
                    case let .metric(name, conditions, reopen) = r.trigger
                else { continue }
                let over = conditions.map { Rule.Condition(op: .over, value: $0.value, basis: $0.basis) }
                c.packs[i].rules[j].trigger = .metric(name: name, conditions: over, reopenOnRecross: reopen)
            }
        }
        return c
    }

    func seeded(_ config: Rules.Configuration) async throws -> ObligationStore {
        let store = try makeTemporaryStore()
        _ = try await Recomputation(store: store, logger: Logger(label: "test")).run(
            config: config, previous: nil, now: now, actor: "start")
        try await store.transaction(config: config, now: now, actor: "test") { r in
            _ = try r.addEntity(id: "at", name: "At the number", zone: nil, region: nil, owner: nil, labels: [:])
            _ = try r.addEntity(id: "below", name: "One below", zone: nil, region: nil, owner: nil, labels: [:])
            _ = try r.reportMetric(entityId: "at", metric: "personal_information_individuals", value: 1_000_000, at: try day("2026-02-02"))
            _ = try r.reportMetric(entityId: "below", metric: "personal_information_individuals", value: 999_999, at: try day("2026-02-02"))
            _ = try r.reportMetric(entityId: "at", metric: "registered_users", value: 50_000_000, at: try day("2026-02-02"))
            _ = try r.reportMetric(entityId: "below", metric: "registered_users", value: 49_999_999, at: try day("2026-02-02"))
        }
        return store
    }

    func pipo(_ store: ObligationStore, _ config: Rules.Configuration) async throws -> [String: Obligation] {
        let all = try await store.snapshot(config: config, now: now) { r in try r.obligations(matching: .init(status: nil)) }
        return Dictionary(uniqueKeysWithValues: all.filter { $0.ruleId == "cn.pipo.report" }.map { ($0.entityId, $0) })
    }

    func classified(_ store: ObligationStore, _ config: Rules.Configuration) async throws -> [String] {
        try await store.snapshot(config: config, now: now) { r in try r.classifications(entity: nil, all: false) }
            .map { "\($0.entityId) \($0.ruleId) \($0.since)" }.sorted()
    }

    /// 处理100万人以上: exactly 1,000,000 opens the report (2026-02-02 + 30wd), 999,999 does not;
    /// 注册用户5000万以上: exactly 50,000,000 classifies, 49,999,999 does not.
    @Test func theNumberItselfMeetsTheThreshold() async throws {
        let store = try await seeded(embedded)
        let open = try await pipo(store, embedded)
        #expect(open.keys.sorted() == ["at"])
        let due = try embedded.calendar("cn").deadline(from: try CivilDate(parsing: "2026-02-02"), try Period(parsing: "+30wd")).due
        #expect(open["at"]?.due == due)
        #expect(try await classified(store, embedded) == ["at cn.platform.large-registered 2026-02-02"])
    }

    /// A state written under the pack that read 以上 as "over" is corrected by the reload: the PIPO
    /// report of the entity at exactly 1,000,000 opens and its large-platform classification begins,
    /// both audited; the entity one below gets neither.
    @Test func aReloadOpensAndClassifiesWhatTheOldOperatorsMissed() async throws {
        let old = overPack()
        let store = try await seeded(old)
        #expect(try await pipo(store, old).isEmpty)
        #expect(try await classified(store, old).isEmpty)

        let result = try await Recomputation(store: store, logger: Logger(label: "test")).run(
            config: embedded, previous: old, now: now, actor: "reload")
        #expect(result.ruleOpened == 1)
        let open = try await pipo(store, embedded)
        #expect(open.keys.sorted() == ["at"])
        #expect(try await classified(store, embedded) == ["at cn.platform.large-registered 2026-02-02"])
        let history = try await store.snapshot(config: embedded, now: now) { r in try r.history(of: open["at"]!.id!) }
        #expect(history.contains { $0.note?.contains("rule cn.pipo.report changed: trigger") == true }, "\(history)")
        let audit = try await store.snapshot(config: embedded, now: now) { r in try r.auditRows(after: 0, limit: 10_000) }
        #expect(audit.contains { $0.action == "classification.changed" && $0.subject == "classification:at:cn.platform.large-registered" })
    }

    /// The certification route takes effect on 2026-01-01: a 2025 figure in the band classifies nothing
    /// in 2025, nor in 2026 (the count starts from zero on 1 January: a year-to-date metric resets
    /// yearly); a 2026 one classifies from its day.
    @Test func theCertificationRouteBeginsOnItsEffectiveDate() async throws {
        let store = try makeTemporaryStore()
        let config = embedded
        try await store.transaction(config: config, now: now, actor: "test") { r in
            for id in ["early", "ended", "late", "lastYear"] {
                _ = try r.addEntity(id: id, name: id, zone: nil, region: nil, owner: nil, labels: [:])
            }
            _ = try r.reportMetric(
                entityId: "lastYear", metric: "cross_border_pi_individuals_ytd", value: 100_000, at: try day("2025-06-01"))
            _ = try r.reportMetric(entityId: "early", metric: "cross_border_pi_individuals_ytd", value: 100_000, at: try day("2026-01-05"))
            _ = try r.reportMetric(entityId: "ended", metric: "cross_border_pi_individuals_ytd", value: 200_000, at: try day("2025-06-01"))
            _ = try r.reportMetric(
                entityId: "ended", metric: "cross_border_pi_individuals_ytd", value: 2_000_000, at: try day("2025-09-01"))
            _ = try r.reportMetric(
                entityId: "late", metric: "cross_border_sensitive_pi_individuals_ytd", value: 9_999, at: try day("2026-03-02"))
        }
        #expect(
            try await classified(store, config) == [
                "early cn.pi-export.certification-scope 2026-01-05", "late cn.pi-export.certification-scope-sensitive 2026-03-02"
            ])
        for id in ["ended", "lastYear"] {
            let all = try await store.snapshot(config: config, now: now) { r in try r.classifications(entity: id, all: true) }
            #expect(all.isEmpty, "\(id)")
        }
    }
}
