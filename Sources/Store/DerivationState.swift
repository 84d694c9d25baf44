import GRDB

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
}
