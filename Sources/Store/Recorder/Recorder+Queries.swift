import DeadlineKit
import Rules

/// What the API reads: entities, obligations by filter, an obligation's history and explanation, and
/// the counts health reports. Typed answers, so no caller needs SQL.
extension Recorder {
    /// Which obligations `obligations(matching:)` lists, soonest due first.
    package struct ObligationFilter: Sendable {
        /// Only this entity's; nil for all.
        package var entity: String?
        /// nil lists every status.
        package var status: Obligation.Status?
        /// Only those due before this day.
        package var dueBefore: CivilDate?
        /// Only this rule's; "custom" for obligations without a rule.
        package var rule: String?
        /// Only those ending after, and at or before, these instants (epoch seconds).
        package var dueAfter: Int64?
        /// The span's upper end, inclusive; nil for no upper end.
        package var dueAtOrBefore: Int64?
        /// Rows to skip, for pages.
        package var offset = 0
        /// The most rows returned.
        package var limit: Int

        /// A filter; by default the open obligations of every entity, up to 10,000.
        package init(entity: String? = nil, status: Obligation.Status? = .open, dueBefore: CivilDate? = nil, limit: Int = 10_000) {
            self.entity = entity
            self.status = status
            self.dueBefore = dueBefore
            self.limit = limit
        }
    }

    /// Open and overdue counts and the next open deadline, as of `now`.
    package struct Summary: Sendable {
        /// Open obligations.
        package var open: Int
        /// Open obligations whose due instant has passed.
        package var overdue: Int
        /// The open obligation due soonest that is not yet overdue; nil when none is.
        package var next: Obligation?
    }

    /// Every entity, by id.
    package func entities() throws -> [Entity] {
        try sql.all(Entity.self, "SELECT * FROM entity ORDER BY id")
    }

    /// The entity `id`, or nil (where `entity(_:)` treats a missing one as bad input).
    package func findEntity(_ id: String) throws -> Entity? {
        // SQLite's C API would end the id at a NUL: no entity id has a control character.
        guard !id.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        return try sql.one(Entity.self, "SELECT * FROM entity WHERE id = ?", [id])
    }

    /// Obligation `id`, or nil when there is none.
    package func findObligation(_ id: Int64) throws -> Obligation? {
        try sql.one(Obligation.self, "SELECT * FROM obligation WHERE id = ?", [id])
    }

    /// The obligations `f` selects, soonest end first. An entity that does not exist is an error, not
    /// an empty list: a mistyped id must not read as "nothing is due".
    package func obligations(matching f: ObligationFilter) throws -> [Obligation] {
        let (condition, arguments) = try whereClause(f)
        return try sql.all(
            Obligation.self, "SELECT * FROM obligation\(condition) ORDER BY dueInstant, id LIMIT ? OFFSET ?",
            arguments + [f.limit, f.offset])
    }

    /// How many obligations `f` selects, whatever its limit and offset (a page's "of N").
    package func obligationCount(matching f: ObligationFilter) throws -> Int {
        let (condition, arguments) = try whereClause(f)
        return try sql.value(Int.self, "SELECT count(*) AS n FROM obligation\(condition)", arguments) ?? 0
    }

    /// The WHERE clause of `f`.
    private func whereClause(_ f: ObligationFilter) throws -> (String, [(any SQLColumn)?]) {
        if let e = f.entity, try findEntity(e) == nil { throw StoreError.notFound("entity '\(e)'") }
        var filters: [String] = [], arguments: [(any SQLColumn)?] = []
        if let e = f.entity { (filters, arguments) = (filters + ["entityId = ?"], arguments + [e]) }
        if let s = f.status { (filters, arguments) = (filters + ["status = ?"], arguments + [s]) }
        if let d = f.dueBefore { (filters, arguments) = (filters + ["due < ?"], arguments + [d]) }
        if let r = f.rule {
            (filters, arguments) = r == "custom" ? (filters + ["ruleId IS NULL"], arguments) : (filters + ["ruleId = ?"], arguments + [r])
        }
        if let a = f.dueAfter { (filters, arguments) = (filters + ["dueInstant > ?"], arguments + [a]) }
        if let b = f.dueAtOrBefore { (filters, arguments) = (filters + ["dueInstant <= ?"], arguments + [b]) }
        return (filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND "), arguments)
    }

    /// The audit rows of obligation `id`, oldest first.
    package func history(of id: Int64) throws -> [AuditEntry] {
        guard try findObligation(id) != nil else { throw StoreError.notFound("obligation \(id)") }
        return try sql.all(AuditEntry.self, "SELECT * FROM audit WHERE subject = ? ORDER BY id", ["obligation:\(id)"])
    }

    /// The counts and next deadline as of the transaction's `now`.
    package func summary() throws -> Summary {
        let t = now.secondsSinceEpoch
        return Summary(
            open: try sql.value(Int.self, "SELECT count(*) AS n FROM obligation WHERE status = 'open'") ?? 0,
            overdue: try sql.value(Int.self, "SELECT count(*) AS n FROM obligation WHERE status = 'open' AND dueInstant <= ?", [t]) ?? 0,
            next: try sql.one(
                Obligation.self, "SELECT * FROM obligation WHERE status = 'open' AND dueInstant > ? ORDER BY dueInstant, id LIMIT 1", [t]))
    }

    /// How the due day of `o` follows from its rule, start, period and the calendars in force, in
    /// lines an auditor can check by hand.
    package func explanation(of o: Obligation) throws -> [String] {
        guard let e = try findEntity(o.entityId) else { return [] }
        let calendar = try config.calendar(e.region)
        let r = try compute(entity: e, start: o.start, period: o.period, roll: o.roll)
        var lines: [String] = []
        if let rule = o.ruleId.flatMap(config.rule) {
            lines.append("Rule \(rule.id): \(rule.title); \(rule.citation)")
            if let eff = rule.effective, o.start == .day(eff) {
                lines.append("The trigger came before the rule took effect on \(eff), so the clock starts then.")
            }
        }
        lines.append("Trigger: \(o.triggerKey); start \(o.start); period \(o.period)")
        if let d = r.deadline {
            lines += calendar.explain(d).lines
        } else {
            lines.append("An instant period runs from the triggering instant and does not roll (Civil Code art. 201).")
        }
        lines.append("Ends at \(r.dueInstant) (UTC)" + (r.deadline != nil ? ", 24:00 local in \(e.zone)" : ""))
        if r.due != o.due {
            lines.append("NOTE: with the configuration now loaded the due day would be \(r.due); a reload recomputes it.")
        }
        return lines
    }
}

extension Recorder {
    /// Audit rows with id > `after`, oldest first, at most `limit`: the trail as exported for checking.
    package func auditRows(after: Int64, limit: Int) throws -> [AuditEntry] {
        try sql.all(AuditEntry.self, "SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?", [after, limit])
    }
}
