import Foundation

/// A receiver's daily agenda, as queued: what is overdue, what falls due in the next seven days, and
/// what moved since the previous agenda, each counted with the first few listed (soonest first).
package struct AgendaContent: Codable, Sendable, Equatable {
    package struct Item: Codable, Sendable, Equatable {
        package var obligation: Int64
        package var entity: String
        package var title: String
        package var due: String
        package var dueInstant: Int64
    }
    package struct Section: Codable, Sendable, Equatable {
        package var count: Int
        package var items: [Item]
    }
    package var kind = NotificationKind.agenda.rawValue
    package var receiver: String
    /// The receiver's local day it is for.
    package var day: String
    package var overdue: Section
    package var week: Section
    package var moved: Section
}

extension ObligationStore {
    /// Queues `receiver`'s agenda for `day` once: a ledger row per (receiver, day) and its outbox row
    /// in one transaction, so a restart or a second pass never sends a day's agenda twice.
    /// - Returns: whether it was queued now (false: already queued for that day).
    @discardableResult
    package func queueAgenda(receiver: String, day: String, now: Int64, listed: Int = 10) async throws -> Bool {
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
            func section(_ condition: String, _ arguments: [(any SQLColumn)?]) throws -> AgendaContent.Section {
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
                    payload: String(decoding: try encoder.encode(content), as: UTF8.self), status: "pending", attempts: 0,
                    lastError: nil),
                returningID: false)
            return true
        }
    }

    /// Whether `receiver`'s agenda for `day` was queued already.
    package func agendaQueued(receiver: String, day: String) async throws -> Bool {
        try await readSQL { sql in
            try sql.row("SELECT 1 AS queued FROM agendaLedger WHERE receiver = ? AND day = ?", [receiver, day]) != nil
        }
    }
}
