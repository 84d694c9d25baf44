import GRDB
import Rules

/// Fingerprints of the configuration the stored obligations were derived under, keyed
/// `calendar:cn/2027` and `rule:<id>`.
enum DerivationState {
    static func load(_ db: Database) throws -> [String: String] {
        var state: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM derivationState") { state[row[0]] = row[1] }
        return state
    }

    /// Replaces the whole state: keys no longer in the configuration (a removed rule) go.
    static func replace(_ db: Database, with state: [String: String]) throws {
        try db.execute(sql: "DELETE FROM derivationState")
        let insert = try db.cachedStatement(sql: "INSERT INTO derivationState (key, value) VALUES (?, ?)")
        for (key, value) in state { try insert.execute(arguments: [key, value]) }
    }
}

extension Recorder {
    /// The fingerprints of the configuration the stored obligations were derived under.
    package func derivationFingerprints() throws -> [String: String] { try DerivationState.load(db) }

    /// Records that the stored obligations are now derived under `fingerprints`.
    package func replaceDerivationFingerprints(_ fingerprints: [String: String]) throws {
        try DerivationState.replace(db, with: fingerprints)
    }

    /// Re-evaluates the thresholds of `rule` for each (entity, metric) subject, each in a savepoint:
    /// a subject whose history cannot be derived under the rule (a due day outside the calendars) is
    /// rolled back and reported in `failed`, and the others still are.
    package func rederiveMetrics(
        _ subjects: [(entity: String, metric: String)], rule: Rule, because: String
    ) throws
        -> (outcome: Outcome, failed: [(entity: String, why: String)])
    {
        var outcome = Outcome(factId: 0)
        var failed: [(entity: String, why: String)] = []
        for subject in subjects {
            do {
                try db.inSavepoint {
                    let o = try evaluateMetric(entityId: subject.entity, metric: subject.metric, only: [rule.id], because: because)
                    outcome.opened += o.opened
                    outcome.moved += o.moved
                    outcome.derived.formUnion(o.derived)
                    return .commit
                }
            } catch let error as StoreError {
                // The savepoint took back the audit rows it appended: chain on from what is stored.
                lookups.auditTip = nil
                failed.append((subject.entity, "\(subject.entity)/\(subject.metric): \(error)"))
            }
        }
        return (outcome, failed)
    }
}
