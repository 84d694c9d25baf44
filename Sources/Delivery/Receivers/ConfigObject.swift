import Foundation
import Rules

/// A strict reader over one JSON object of a configuration file (obligd.json, templates/*.json): unknown
/// keys are rejected so a typo is never silently ignored, and every error names the file and the key path.
/// Keys starting with `$comment` are documentation and skipped.
struct ConfigObject {
    let file: String
    let path: String
    let values: [String: Any]

    init(file: String, path: String, value: Any?) throws(ConfigError) {
        guard let dict = value as? [String: Any] else {
            throw ConfigError(file: file, path: path, problem: "expected an object { ... }")
        }
        self.file = file
        self.path = path
        self.values = dict
    }

    static func parse(_ data: Data, file: String) throws(ConfigError) -> ConfigObject {
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: data)
        } catch {
            let ns = error as NSError
            let reason = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
            throw ConfigError(file: file, path: "", problem: "not valid JSON (\(reason))")
        }
        return try ConfigObject(file: file, path: "", value: any)
    }

    func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String?, _ problem: String) -> ConfigError {
        ConfigError(file: file, path: key.map(at) ?? path, problem: problem)
    }

    func onlyKeys(_ known: Set<String>) throws(ConfigError) {
        for key in values.keys.sorted() where !known.contains(key) && !key.hasPrefix("$comment") {
            throw error(key, "unknown key '\(key)'; known keys here: \(known.sorted().joined(separator: ", "))")
        }
    }

    func has(_ key: String) -> Bool { values[key] != nil && !(values[key] is NSNull) }

    func string(_ key: String) throws(ConfigError) -> String {
        guard let s = values[key] as? String else {
            throw error(key, has(key) ? "expected a string" : "missing (a string is required)")
        }
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(key, "must not be empty") }
        return s
    }

    func optionalString(_ key: String) throws(ConfigError) -> String? { has(key) ? try string(key) : nil }

    /// A string that may be empty (template text such as an empty note).
    func text(_ key: String) throws(ConfigError) -> String {
        guard let s = values[key] as? String else {
            throw error(key, has(key) ? "expected a string" : "missing (a string is required)")
        }
        return s
    }

    static func isBoolean(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        return String(describing: type(of: n)).contains("Boolean") || String(cString: n.objCType) == "c"
    }

    func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let n = values[key] as? NSNumber, !Self.isBoolean(n), n.doubleValue == n.doubleValue.rounded() else {
            throw error(key, has(key) ? "expected a whole number" : "missing (a whole number is required)")
        }
        guard range.contains(n.intValue) else {
            throw error(key, "\(n.intValue) is out of range; use \(range.lowerBound)...\(range.upperBound)")
        }
        return n.intValue
    }

    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        has(key) ? try int(key, in: range) : nil
    }

    func object(_ key: String) throws(ConfigError) -> ConfigObject {
        try ConfigObject(file: file, path: at(key), value: values[key])
    }

    func optionalObject(_ key: String) throws(ConfigError) -> ConfigObject? { has(key) ? try object(key) : nil }

    func array(_ key: String) throws(ConfigError) -> [Any] {
        guard let a = values[key] as? [Any] else {
            throw error(key, has(key) ? "expected a list [ ... ]" : "missing (a list is required)")
        }
        return a
    }

    func optionalArray(_ key: String) throws(ConfigError) -> [Any]? { has(key) ? try array(key) : nil }

    /// A list of non-empty strings; absent means empty.
    func stringList(_ key: String) throws(ConfigError) -> [String] {
        guard let list = try optionalArray(key) else { return [] }
        var out: [String] = []
        for (i, item) in list.enumerated() {
            guard let s = item as? String, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigError(file: file, path: "\(at(key))[\(i)]", problem: "expected a non-empty string")
            }
            out.append(s)
        }
        return out
    }

    func objects(_ key: String) throws(ConfigError) -> [ConfigObject] {
        guard let list = try optionalArray(key) else { return [] }
        var out: [ConfigObject] = []
        for (i, item) in list.enumerated() {
            out.append(try ConfigObject(file: file, path: "\(at(key))[\(i)]", value: item))
        }
        return out
    }
}
