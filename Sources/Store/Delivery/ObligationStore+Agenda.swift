import Foundation
import GRDB

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
        try await write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO agendaLedger (receiver, day, queuedAt) VALUES (?, ?, ?)",
                arguments: [receiver, day, now])
            guard db.changesCount == 1 else { return false }
            let previous =
                try Int64.fetchOne(
                    db,
                    sql: """
                        SELECT max(queuedAt) FROM agendaLedger WHERE receiver = ? AND day < ?
                        """, arguments: [receiver, day]) ?? (now - 86_400_000)
            let seconds = now / 1000
            func section(_ condition: String, _ arguments: StatementArguments) throws -> AgendaContent.Section {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM obligation WHERE \(condition)", arguments: arguments) ?? 0
                let items = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, entityId, title, due, dueInstant FROM obligation WHERE \(condition) ORDER BY dueInstant, id LIMIT \(listed)
                        """, arguments: arguments
                ).map {
                    AgendaContent.Item(
                        obligation: $0["id"], entity: $0["entityId"], title: $0["title"], due: $0["due"], dueInstant: $0["dueInstant"])
                }
                return .init(count: count, items: items)
            }
            let content = AgendaContent(
                receiver: receiver, day: day,
                overdue: try section("status = 'open' AND dueInstant <= ?", [seconds]),
                week: try section("status = 'open' AND dueInstant > ? AND dueInstant <= ?", [seconds, seconds + 7 * 86_400]),
                moved: try section(
                    """
                    status = 'open' AND id IN (SELECT CAST(substr(subject, 12) AS INTEGER) FROM audit
                    WHERE action = 'obligation.moved' AND at >= ? AND subject LIKE 'obligation:%')
                    """, [previous / 1000]))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            try OutboxEntry(
                id: OutboxID.make(milliseconds: UInt64(max(now, 0))), createdAt: seconds, kind: NotificationKind.agenda.rawValue,
                obligationId: nil,
                payload: String(decoding: try encoder.encode(content), as: UTF8.self), status: "pending", attempts: 0,
                lastError: nil
            ).insert(db)
            return true
        }
    }

    /// Whether `receiver`'s agenda for `day` was queued already.
    package func agendaQueued(receiver: String, day: String) async throws -> Bool {
        try await read { db in
            try Bool.fetchOne(db, sql: "SELECT 1 FROM agendaLedger WHERE receiver = ? AND day = ?", arguments: [receiver, day]) ?? false
        }
    }
}
