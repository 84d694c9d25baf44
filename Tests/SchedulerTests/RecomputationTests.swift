import DeadlineKit
import Logging
import Rules
import Scheduler
import Store
import TestSupport
import Testing

/// `Recomputation` in process on a real store: the pass obligd runs at start and on every reload,
/// here with a rule pack changed in memory (as RuleReloadTests and scripts/bench-daemon change it on
/// disk and reload a daemon).
struct RecomputationTests {
    static let rule = "cn.important-data.assessment"
    let now = try! Instant(parsing: "2026-04-15T00:00:00Z")
    let embedded = Embedded.configuration

    static func pass(_ store: ObligationStore) -> Recomputation { Recomputation(store: store, logger: Logger(label: "test")) }

    /// `config` with `edit` applied to the rules of every pack (a rule pack edited and reloaded).
    func editing(_ config: Rules.Configuration, _ edit: (inout [Rule]) throws -> Void) rethrows -> Rules.Configuration {
        var c = config
        for i in c.packs.indices { try edit(&c.packs[i].rules) }
        return c
    }

    /// The embedded rules with the important-data assessment's period +2mo -> +3mo.
    func threeMonths() throws -> Rules.Configuration {
        let period = try Period(parsing: "+3mo")
        let c = editing(embedded) { rules in
            for j in rules.indices where rules[j].id == Self.rule { rules[j].period = period }
        }
        #expect(c.rule(Self.rule)?.period == period)
        return c
    }

    /// The due day of `period` from `start` on the cn calendar of `config`: what the store must agree with.
    func due(_ start: String, _ period: String, _ config: Rules.Configuration) throws -> String {
        try config.calendar("cn").deadline(from: try CivilDate(parsing: start), try Period(parsing: period)).due.description
    }

    /// A store whose fingerprints are those of the embedded rules, with entity `r`, two important-data
    /// notices on 2026-03-03 (the second done) and a facial-recognition threshold crossed (another rule).
    func seeded() async throws -> (ObligationStore, open: Int64, done: Int64, facial: Int64) {
        let store = try makeTemporaryStore()
        // A new database: the first pass records what it was derived under and changes nothing.
        let first = try await Self.pass(store).run(config: embedded, previous: nil, now: now, actor: "start")
        #expect(first.examined == 0 && first.rulesChanged.isEmpty && first.underived == 0)
        let ids = try await store.transaction(config: embedded, now: now, actor: "test") { r in
            _ = try r.addEntity(id: "r", name: "R", zone: nil, region: nil, owner: nil, labels: [:])
            let day = Start.day(try CivilDate(parsing: "2026-03-03"))
            let open = try r.addEvent(entityId: "r", kind: "important_data_notified", at: day, ref: "first", attributes: [:]).opened[0].id!
            let done = try r.addEvent(entityId: "r", kind: "important_data_notified", at: day, ref: "second", attributes: [:]).opened[0].id!
            _ = try r.close(done, as: .done, on: try CivilDate(parsing: "2026-04-01"), note: nil)
            let facial = try r.reportMetric(
                entityId: "r", metric: "facial_recognition_individuals", value: 120_000,
                at: .day(try CivilDate(parsing: "2026-02-10"))
            ).opened[0].id!
            return (open, done, facial)
        }
        return (store, ids.0, ids.1, ids.2)
    }

    func obligations(_ store: ObligationStore, _ config: Rules.Configuration) async throws -> [Int64: Obligation] {
        let all = try await store.snapshot(config: config, now: now) { r in try r.obligations(matching: .init(status: nil)) }
        return Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0) })
    }

    func history(_ store: ObligationStore, _ id: Int64, _ config: Rules.Configuration) async throws -> [AuditEntry] {
        try await store.snapshot(config: config, now: now) { r in try r.history(of: id) }
    }

    func outbox(_ store: ObligationStore, kind: String) async throws -> [Int64?] {
        try await store.listOutbox(filter: .all, limit: 10_000).filter { $0.kind == kind }.map(\.obligationId)
    }

    @Test func aChangedPeriodMovesTheOpenObligationsOfThatRuleOnceAuditedAndNotified() async throws {
        let (store, open, done, facial) = try await seeded()
        let before = try await obligations(store, embedded)
        let oldDue = try due("2026-03-03", "+2mo", embedded)
        #expect(before[open]?.due.description == oldDue && before[done]?.due.description == oldDue)
        let facialDue = try #require(before[facial]?.due)
        let changed = try threeMonths()
        let newDue = try due("2026-03-03", "+3mo", changed)
        #expect(newDue != oldDue)

        let pass = Self.pass(store)
        let result = try await pass.run(config: changed, previous: embedded, now: now, actor: "reload")
        #expect(result.rulesChanged == [Self.rule])
        #expect(result.ruleMoved == 1, "the open one; the done one stays")
        #expect(result.ruleOpened == 0 && result.underived == 0)
        #expect(result.examined == 0 && result.moved == 0 && result.confirmed == 0, "no calendar year changed")

        let after = try await obligations(store, changed)
        #expect(after[open]?.due.description == newDue && after[open]?.status == .open && after[open]?.period.description == "+3mo")
        #expect(after[done]?.due.description == oldDue && after[done]?.status == .done, "a closed obligation is history")
        #expect(after[facial]?.due == facialDue, "another rule's obligation is left alone")
        let moves = try await history(store, open, changed).filter { $0.action == "obligation.moved" }
        #expect(moves.map(\.note) == ["moved from \(oldDue) to \(newDue): rule \(Self.rule) changed: period +2mo -> +3mo"])
        #expect(moves.map(\.actor) == ["reload"])
        #expect(try await history(store, done, changed).allSatisfy { $0.action != "obligation.moved" })
        #expect(try await outbox(store, kind: "obligation.moved") == [open])

        // The same configuration again: nothing left to do, nothing written.
        let again = try await pass.run(config: changed, previous: changed, now: now, actor: "reload")
        #expect(again.rulesChanged.isEmpty && again.ruleMoved == 0 && again.ruleOpened == 0 && again.underived == 0)
        #expect(again.examined == 0 && again.moved == 0)
        #expect(try await obligations(store, changed).mapValues(\.due) == after.mapValues(\.due))
        #expect(try await history(store, open, changed).filter { $0.action == "obligation.moved" }.count == 1)
        #expect(try await outbox(store, kind: "obligation.moved") == [open])
    }

    @Test func aChangeMadeWhileStoppedIsNamedSo() async throws {
        let (store, open, _, _) = try await seeded()
        let changed = try threeMonths()
        // At start obligd does not know the previous configuration.
        let result = try await Self.pass(store).run(config: changed, previous: nil, now: now, actor: "start")
        #expect(result.ruleMoved == 1)
        let note = try await history(store, open, changed).last { $0.action == "obligation.moved" }?.note
        #expect(
            note == "moved from \(try due("2026-03-03", "+2mo", embedded)) to \(try due("2026-03-03", "+3mo", changed)): "
                + "rule \(Self.rule) changed while obligd was stopped")
    }

    @Test func aRemovedRuleFlagsItsOpenObligationsAndLeavesThemOpen() async throws {
        let (store, open, done, facial) = try await seeded()
        let removed = editing(embedded) { rules in rules.removeAll { $0.id == Self.rule } }
        #expect(removed.rule(Self.rule) == nil)
        let before = try await obligations(store, embedded)

        let pass = Self.pass(store)
        let result = try await pass.run(config: removed, previous: embedded, now: now, actor: "reload")
        #expect(result.underived == 1, "the open one; the done one is closed already")
        #expect(result.rulesChanged.isEmpty && result.ruleMoved == 0 && result.ruleOpened == 0)

        let after = try await obligations(store, removed)
        #expect(after[open]?.status == .open && after[open]?.due == before[open]?.due, "flagged, not closed or moved")
        #expect(after[done]?.status == .done && after[facial]?.status == .open)
        let flags = try await history(store, open, removed).filter { $0.action == "obligation.underived" }
        #expect(flags.count == 1)
        #expect(flags.first?.note?.hasPrefix("rule \(Self.rule) removed from the configuration") == true, "\(flags)")
        #expect(try await history(store, done, removed).allSatisfy { $0.action != "obligation.underived" })
        #expect(try await history(store, facial, removed).allSatisfy { $0.action != "obligation.underived" })
        #expect(try await outbox(store, kind: "obligation.underived") == [open])

        let again = try await pass.run(config: removed, previous: removed, now: now, actor: "reload")
        #expect(again.underived == 0, "flagged once")
        #expect(try await outbox(store, kind: "obligation.underived") == [open])
    }
}
