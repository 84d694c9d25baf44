import GRDB

/// Reading back the recorded facts, as a compliance officer checks what obligd was told.
extension Recorder {
    /// Events, oldest first; retracted ones only with `includeRetracted`. An unknown entity is an error.
    package func events(entity: String?, kind: String?, includeRetracted: Bool, limit: Int) throws -> [EventRecord] {
        if let entity, try findEntity(entity) == nil { throw StoreError.notFound("entity '\(entity)'") }
        var request = EventRecord.all()
        if let entity { request = request.filter(Column("entityId") == entity) }
        if let kind {
            try Limits.check(kind, field: "kind", max: Limits.name)
            request = request.filter(Column("kind") == kind)
        }
        if !includeRetracted { request = request.filter(Column("retractedAt") == nil) }
        return try request.order(Column("at"), Column("id")).limit(limit).fetchAll(db)
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
        return try MetricObservationRecord.filter(Column("entityId") == entity && Column("metric") == metric)
            .order(Column("observedAt"), Column("id")).fetchAll(db)
    }
}
