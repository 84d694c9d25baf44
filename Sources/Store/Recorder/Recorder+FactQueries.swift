/// Reading back the recorded facts, as a compliance officer checks what obligd was told.
extension Recorder {
    /// Events, oldest first; retracted ones only with `includeRetracted`. An unknown entity is an error.
    package func events(entity: String?, kind: String?, includeRetracted: Bool, limit: Int) throws -> [EventRecord] {
        if let entity, try findEntity(entity) == nil { throw StoreError.notFound("entity '\(entity)'") }
        if let kind { try Limits.check(kind, field: "kind", max: Limits.name) }
        var filters: [String] = [], arguments: [(any SQLColumn)?] = []
        if let entity { (filters, arguments) = (filters + ["entityId = ?"], arguments + [entity]) }
        if let kind { (filters, arguments) = (filters + ["kind = ?"], arguments + [kind]) }
        if !includeRetracted { filters.append("retractedAt IS NULL") }
        let condition = filters.isEmpty ? "" : " WHERE " + filters.joined(separator: " AND ")
        return try sql.all(EventRecord.self, "SELECT * FROM event\(condition) ORDER BY at, id LIMIT ?", arguments + [limit])
    }

    /// Every report of `metric` for `entity` in the order observed, retracted and superseded ones
    /// included (they say so): the whole story behind a crossing day.
    package func metricHistory(entity: String, metric: String) throws -> [MetricObservationRecord] {
        guard try findEntity(entity) != nil else { throw StoreError.notFound("entity '\(entity)'") }
        guard config.knownMetrics.contains(metric) else {
            throw StoreError.invalid(
                field: "metric", problem: "unknown metric '\(metric)'",
                fix: "use one of: \(config.knownMetrics.sorted().joined(separator: ", "))")
        }
        return try sql.all(
            MetricObservationRecord.self,
            "SELECT * FROM metricObservation WHERE entityId = ? AND metric = ? ORDER BY observedAt, id", [entity, metric])
    }
}
