import Foundation

/// A receiver's daily agenda, as queued: what is overdue, what falls due in the next seven days, and
/// what moved since the previous agenda, each counted with the first few listed (soonest first).
package struct AgendaContent: Codable, Sendable, Equatable {
    /// One obligation as an agenda lists it: enough to name it and link to it.
    package struct Item: Codable, Sendable, Equatable {
        /// The obligation's id.
        package var obligation: Int64
        /// The entity that owes it.
        package var entity: String
        /// What must be done.
        package var title: String
        /// The due day (YYYY-MM-DD) in the entity's zone.
        package var due: String
        /// The instant it falls due (epoch seconds); the sort key, soonest first.
        package var dueInstant: Int64
    }
    /// A heading of the agenda: how many obligations it covers, and the first few of them.
    package struct Section: Codable, Sendable, Equatable {
        /// All the obligations in the section, though only the first few are listed.
        package var count: Int
        /// The first few, soonest due first.
        package var items: [Item]
    }
    /// Always `agenda`, so the payload names its kind like every other outbox payload.
    package var kind = NotificationKind.agenda.rawValue
    /// The receiver it is for; each has its own agenda, scoped by its routes.
    package var receiver: String
    /// The receiver's local day it is for.
    package var day: String
    /// Open obligations past their due instant.
    package var overdue: Section
    /// Open obligations falling due in the next seven days.
    package var week: Section
    /// Open obligations whose due day moved since the previous agenda (the last 24 hours for the first).
    package var moved: Section
}

/// Which obligations a receiver's agenda may list: those its routes admit by entity and rule. A
/// subsidiary's group must never read another subsidiary's deadlines in its agenda, as it never does
/// in its reminders.
package struct AgendaScope: Sendable, Equatable {
    /// One per route: the entities and rule ids it names (empty: any); rule "custom" is an obligation
    /// without a rule.
    package struct Admits: Sendable, Equatable {
        /// The entity ids the route names; empty: any entity.
        package var entities: [String]
        /// The rule ids the route names (`custom` for obligations without a rule); empty: any rule.
        package var rules: [String]
        /// A route's admission as obligd.json states it.
        package init(entities: [String], rules: [String]) {
            self.entities = entities
            self.rules = rules
        }
    }
    /// Empty: every obligation (a receiver with no routes takes everything).
    package var routes: [Admits]
    /// A receiver's scope from its routes; no routes admits everything.
    package init(routes: [Admits] = []) { self.routes = routes }

    /// Everything, as a receiver without routes.
    package static let everything = AgendaScope()

    /// The SQL condition and its arguments; nil when every obligation is admitted.
    func condition() -> (sql: String, arguments: [(any SQLColumn)?])? {
        guard !routes.isEmpty, !routes.contains(where: { $0.entities.isEmpty && $0.rules.isEmpty }) else { return nil }
        var clauses: [String] = []
        var arguments: [(any SQLColumn)?] = []
        for r in routes {
            var parts: [String] = []
            if !r.entities.isEmpty {
                parts.append("entityId IN (\(Array(repeating: "?", count: r.entities.count).joined(separator: ", ")))")
                arguments += r.entities.map { $0 }
            }
            if !r.rules.isEmpty {
                let ids = r.rules.filter { $0 != "custom" }
                var either: [String] = []
                if !ids.isEmpty {
                    either.append("ruleId IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))")
                    arguments += ids.map { $0 }
                }
                if ids.count != r.rules.count { either.append("ruleId IS NULL") }
                parts.append("(\(either.joined(separator: " OR ")))")
            }
            clauses.append("(\(parts.joined(separator: " AND ")))")
        }
        return ("(\(clauses.joined(separator: " OR ")))", arguments)
    }
}

extension ObligationStore {
    /// Queues `receiver`'s agenda for `day` once: a ledger row per (receiver, day) and its outbox row
    /// in one transaction, so a restart or a second pass never sends a day's agenda twice.
    /// - Returns: whether it was queued now (false: already queued for that day).
    @discardableResult
    package func queueAgenda(
        receiver: String, day: String, now: Int64, listed: Int = 10, scope: AgendaScope = .everything
    ) async throws -> Bool {
        try await writeSQL { sql in
            let queued = try sql.execute(
                "INSERT INTO agendaLedger (receiver, day, queuedAt) VALUES (?, ?, ?) ON CONFLICT (receiver, day) DO NOTHING",
                receiver, day, now)
            guard queued == 1 else { return false }
            let previous =
                try sql.value(
                    Int64.self, "SELECT max(queuedAt) AS previous FROM agendaLedger WHERE receiver = ? AND day < ?", [receiver, day])
                ?? (now - 86_400_000)
            let seconds = now / 1000
            let admitted = scope.condition()
            func section(_ condition: String, _ arguments: [(any SQLColumn)?]) throws -> AgendaContent.Section {
                let condition = admitted.map { "\(condition) AND \($0.sql)" } ?? condition
                let arguments = arguments + (admitted?.arguments ?? [])
                let count = try sql.value(Int.self, "SELECT count(*) AS n FROM obligation WHERE \(condition)", arguments) ?? 0
                let items = try sql.rows(
                    """
                    SELECT id, entityId, title, due, dueInstant FROM obligation WHERE \(condition) ORDER BY dueInstant, id LIMIT ?
                    """, arguments + [listed]
                ).map {
                    AgendaContent.Item(
                        obligation: try $0.decode(0, "obligation.id"), entity: try $0.decode(1, "obligation.entityId"),
                        title: try $0.decode(2, "obligation.title"), due: try $0.decode(3, "obligation.due"),
                        dueInstant: try $0.decode(4, "obligation.dueInstant"))
                }
                return .init(count: count, items: items)
            }
            let content = AgendaContent(
                receiver: receiver, day: day,
                overdue: try section("status = 'open' AND dueInstant <= ?", [seconds]),
                week: try section("status = 'open' AND dueInstant > ? AND dueInstant <= ?", [seconds, seconds + 7 * 86_400]),
                moved: try section(
                    """
                    status = 'open' AND id IN (SELECT CAST(substr(subject, 12) AS BIGINT) FROM audit
                    WHERE action = 'obligation.moved' AND at >= ? AND subject LIKE 'obligation:%')
                    """, [previous / 1000]))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try sql.insert(
                OutboxEntry(
                    id: OutboxID.make(milliseconds: UInt64(max(now, 0))), createdAt: seconds, kind: NotificationKind.agenda.rawValue,
                    obligationId: nil,
                    payload: String(decoding: try encoder.encode(content), as: UTF8.self), status: .pending, attempts: 0,
                    lastError: nil),
                returningID: false)
            return true
        }
    }
}
