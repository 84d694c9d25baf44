/// Fingerprints of the configuration the stored obligations were derived under, keyed
/// `calendar:cn/2027` and `rule:<id>`.
enum DerivationState {
    static func load(_ sql: any SQLSession) throws -> [String: String] {
        var state: [String: String] = [:]
        for row in try sql.rows("SELECT key, value FROM derivationState") {
            state[try row.decode(0, "derivationState.key")] = try row.decode(1, "derivationState.value") as String
        }
        return state
    }

    /// Replaces the whole state: keys no longer in the configuration (a removed rule) go.
    static func replace(_ sql: any SQLSession, with state: [String: String]) throws {
        try sql.execute("DELETE FROM derivationState")
        for (key, value) in state { try sql.execute("INSERT INTO derivationState (key, value) VALUES (?, ?)", key, value) }
    }
}

extension Recorder {
    /// The fingerprints of the configuration the stored obligations were derived under.
    package func derivationFingerprints() throws -> [String: String] { try DerivationState.load(sql) }

    /// Records that the stored obligations are now derived under `fingerprints`.
    package func replaceDerivationFingerprints(_ fingerprints: [String: String]) throws {
        try DerivationState.replace(sql, with: fingerprints)
    }
}
