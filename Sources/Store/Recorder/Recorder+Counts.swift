/// Counts for monitoring (`/metrics`): obligations by rule and status, read from the covering index
/// `obligation_rule_open_due`, so a scrape of a million obligations reads no table rows.
extension Recorder {
    /// The obligations of one rule ("" for custom obligations) in one status.
    package struct ObligationCount: Sendable, Equatable {
        /// The rule's id; "" for custom obligations.
        package var rule: String
        /// The status counted.
        package var status: Obligation.Status
        /// How many obligations of the rule are in that status.
        package var count: Int
        /// Of those, due at or before `now` (only open obligations are overdue).
        package var overdue: Int
    }

    /// Every (rule, status) pair that has obligations, with counts as of `now`.
    package func obligationCounts() throws -> [ObligationCount] {
        let rows = try sql.rows(
            """
            SELECT ruleId, status, count(*) AS n,
                   sum(CASE WHEN status = 'open' AND dueInstant <= ? THEN 1 ELSE 0 END) AS overdue
            FROM obligation GROUP BY ruleId, status ORDER BY ruleId, status
            """, [now.secondsSinceEpoch])
        return try rows.map { row in
            ObligationCount(
                rule: try row.decode(0, "obligation.ruleId") ?? "", status: try row.decode(1, "obligation.status"),
                count: try row.decode(2, "count"), overdue: try row.decode(3, "overdue"))
        }
    }

    /// The latest due instant of an open obligation (epoch seconds), if any: how far ahead the
    /// calendars must reach.
    package func latestOpenDue() throws -> Int64? {
        try sql.value(Int64.self, "SELECT max(dueInstant) FROM obligation WHERE status = 'open'")
    }

    /// The soonest due instant of an open obligation not yet due (epoch seconds), if any.
    package func nextOpenDue() throws -> Int64? {
        try sql.value(
            Int64.self, "SELECT min(dueInstant) FROM obligation WHERE status = 'open' AND dueInstant > ?", [now.secondsSinceEpoch])
    }
}
