import GRDB

/// Counts for monitoring (`/metrics`): obligations by rule and status, read from the covering index
/// `obligation_rule_open_due`, so a scrape of a million obligations reads no table rows.
extension Recorder {
    /// The obligations of one rule ("" for custom obligations) in one status.
    package struct ObligationCount: Sendable, Equatable {
        package var rule: String
        package var status: Obligation.Status
        package var count: Int
        /// Of those, due at or before `now` (only open obligations are overdue).
        package var overdue: Int
    }

    /// Every (rule, status) pair that has obligations, with counts as of `now`.
    package func obligationCounts() throws -> [ObligationCount] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT ruleId, status, count(*) AS n,
                       sum(CASE WHEN status = 'open' AND dueInstant <= ? THEN 1 ELSE 0 END) AS overdue
                FROM obligation GROUP BY ruleId, status ORDER BY ruleId, status
                """, arguments: [now.secondsSinceEpoch])
        return rows.compactMap { row in
            guard let status = Obligation.Status(rawValue: row["status"]) else { return nil }
            return ObligationCount(rule: row["ruleId"] ?? "", status: status, count: row["n"], overdue: row["overdue"])
        }
    }

    /// The latest due instant of an open obligation (epoch seconds), if any: how far ahead the
    /// calendars must reach.
    package func latestOpenDue() throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT max(dueInstant) FROM obligation WHERE status = 'open'")
    }

    /// The soonest due instant of an open obligation not yet due (epoch seconds), if any.
    package func nextOpenDue() throws -> Int64? {
        try Int64.fetchOne(
            db, sql: "SELECT min(dueInstant) FROM obligation WHERE status = 'open' AND dueInstant > ?",
            arguments: [now.secondsSinceEpoch])
    }
}
