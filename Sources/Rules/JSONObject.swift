import DeadlineKit
import Foundation

/// A strict reader over one JSON object of a config file (rule packs, calendars, obligd.json): every key must be known, every value of the
/// expected type, and each error names the file and the path inside it.
package struct JSONObject {
    /// The config file's name, as every error from this object names it.
    package let file: String
    /// Where this object sits in the file (`rules[2].trigger`); empty at the top.
    package let path: String
    /// The object's members as `JSONSerialization` gave them; read through the typed accessors, not directly.
    package let values: [String: Any]

    /// Wraps `value`, which must be a JSON object; anything else is an error at `path`.
    package init(file: String, path: String, value: Any?) throws(ConfigError) {
        guard let dict = value as? [String: Any] else {
            throw ConfigError(file: file, path: path, problem: "expected an object { ... }")
        }
        self.file = file
        self.path = path
        self.values = dict
    }

    /// The top-level object of `data`; invalid JSON is an error naming the file and the parser's reason.
    package static func parse(_ data: Data, file: String) throws(ConfigError) -> JSONObject {
        let any: Any
        do {
            any = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ConfigError(file: file, path: "", problem: "not valid JSON (\(Self.reason(error)))")
        }
        return try JSONObject(file: file, path: "", value: any)
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }

    /// The path of member `key`, as errors name it.
    package func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// An error about member `key` (or this object, for nil), naming file and path, saying `problem`.
    package func error(_ key: String?, _ problem: String) -> ConfigError {
        ConfigError(file: file, path: key.map(at) ?? path, problem: problem)
    }

    /// Rejects keys outside `known`, so that a typo is not silently ignored.
    /// Keys starting with `exceptPrefix` (obligd.json's `$comment`) are let through.
    package func onlyKeys(_ known: Set<String>, exceptPrefix: String? = nil) throws(ConfigError) {
        for key in values.keys.sorted() where !known.contains(key) {
            if let exceptPrefix, key.hasPrefix(exceptPrefix) { continue }
            throw error(key, "unknown key '\(key)'; known keys here: \(known.sorted().joined(separator: ", "))")
        }
    }

    /// A text of the rule pack in every language obligd writes, `{ "en": "...", "zh-CN": "..." }`:
    /// both are required, so a rule cannot reach a Chinese reader in English only.
    package func wording(_ key: String) throws(ConfigError) -> [Language: String] {
        guard values[key] is [String: Any] else {
            throw error(
                key,
                has(key)
                    ? "needs its wording in every language: { \"en\": \"...\", \"zh-CN\": \"...\" }" : "missing (a wording is required)")
        }
        return try Self.wording(try object(key))
    }

    /// The texts of a list of wordings (a rule's duties), each `{ "en": "...", "zh-CN": "..." }`.
    package func wordings(_ key: String) throws(ConfigError) -> [[Language: String]] {
        var result: [[Language: String]] = []
        for o in try objects(key, required: false) { result.append(try Self.wording(o)) }
        return result
    }

    private static func wording(_ o: JSONObject) throws(ConfigError) -> [Language: String] {
        try o.onlyKeys(Set(Language.allCases.map(\.rawValue)))
        var texts: [Language: String] = [:]
        for language in Language.allCases { texts[language] = try o.string(language.rawValue) }
        return texts
    }

    /// Whether `key` is present and not null: a null counts as left out.
    package func has(_ key: String) -> Bool { values[key] != nil && !(values[key] is NSNull) }

    /// A required, non-blank string; missing, another type or blank is an error at the key.
    package func string(_ key: String) throws(ConfigError) -> String {
        guard let s = values[key] as? String else { throw error(key, has(key) ? "expected a string" : "missing (a string is required)") }
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(key, "must not be empty") }
        return s
    }

    /// A non-blank string, or nil when the key is absent or null.
    package func optionalString(_ key: String) throws(ConfigError) -> String? { has(key) ? try string(key) : nil }

    /// A required whole number; a fraction or a boolean is refused, not rounded or converted.
    package func int(_ key: String) throws(ConfigError) -> Int {
        guard let n = values[key] as? NSNumber, !Self.isBoolean(n), n.doubleValue == n.doubleValue.rounded() else {
            throw error(key, has(key) ? "expected a whole number" : "missing (a whole number is required)")
        }
        return n.intValue
    }

    /// A whole number, or nil when absent.
    package func optionalInt(_ key: String) throws(ConfigError) -> Int? { has(key) ? try int(key) : nil }

    /// `true` or `false`, or `def` when absent; a number is refused.
    package func bool(_ key: String, default def: Bool) throws(ConfigError) -> Bool {
        guard has(key) else { return def }
        guard let n = values[key] as? NSNumber, Self.isBoolean(n), let b = values[key] as? Bool else {
            throw error(key, "expected true or false")
        }
        return b
    }

    /// A required `YYYY-MM-DD` day; anything else is an error saying why.
    package func date(_ key: String) throws(ConfigError) -> CivilDate {
        let s = try string(key)
        do { return try CivilDate(parsing: s) } catch { throw self.error(key, error.description) }
    }

    /// A day, or nil when absent.
    package func optionalDate(_ key: String) throws(ConfigError) -> CivilDate? { has(key) ? try date(key) : nil }

    /// A required period (`+30d`, `+10wd`, `+2mo`); anything else is an error saying why.
    package func period(_ key: String) throws(ConfigError) -> Period {
        let s = try string(key)
        do { return try Period(parsing: s) } catch { throw self.error(key, error.description) }
    }

    /// A required nested object, whose errors name its path.
    package func object(_ key: String) throws(ConfigError) -> JSONObject {
        guard has(key) else { throw error(key, "missing (an object is required)") }
        return try JSONObject(file: file, path: at(key), value: values[key])
    }

    /// A nested object, or nil when absent.
    package func optionalObject(_ key: String) throws(ConfigError) -> JSONObject? { has(key) ? try object(key) : nil }

    /// A list; when absent, an error if `required`, else empty.
    package func array(_ key: String, required: Bool = true) throws(ConfigError) -> [Any] {
        guard has(key) else {
            if required { throw error(key, "missing (a list [ ... ] is required)") }
            return []
        }
        guard let a = values[key] as? [Any] else { throw error(key, "expected a list [ ... ]") }
        return a
    }

    /// A list of objects, each with its index in the path (`receivers[1]`).
    package func objects(_ key: String, required: Bool = true) throws(ConfigError) -> [JSONObject] {
        var out: [JSONObject] = []
        for (i, v) in try array(key, required: required).enumerated() {
            out.append(try JSONObject(file: file, path: "\(at(key))[\(i)]", value: v))
        }
        return out
    }

    /// A list of strings; an item of another type is an error at its index.
    package func strings(_ key: String, required: Bool = true) throws(ConfigError) -> [String] {
        var out: [String] = []
        for (i, v) in try array(key, required: required).enumerated() {
            guard let s = v as? String else { throw error("\(key)[\(i)]", "expected a string") }
            out.append(s)
        }
        return out
    }

    /// A list of `YYYY-MM-DD` days; a bad one is an error at its index.
    package func dates(_ key: String, required: Bool = true) throws(ConfigError) -> [CivilDate] {
        var out: [CivilDate] = []
        for (i, s) in try strings(key, required: required).enumerated() {
            do { out.append(try CivilDate(parsing: s)) } catch { throw self.error("\(key)[\(i)]", error.description) }
        }
        return out
    }

    /// On Linux a JSON boolean is also an NSNumber; tell them apart by the dynamic type.
    package static func isBoolean(_ value: Any) -> Bool {
        guard let n = value as? NSNumber else { return false }
        return String(describing: type(of: n)).contains("Boolean") || String(cString: n.objCType) == "c"
    }

    /// A string that may be empty (template text such as an empty note).
    package func text(_ key: String) throws(ConfigError) -> String {
        guard let s = values[key] as? String else {
            throw error(key, has(key) ? "expected a string" : "missing (a string is required)")
        }
        return s
    }

    /// A required whole number within `range`; outside it, an error giving the range.
    package func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        let n = try int(key)
        guard range.contains(n) else { throw error(key, "\(n) is out of range; use \(range.lowerBound)...\(range.upperBound)") }
        return n
    }

    /// A whole number within `range`, or nil when absent.
    package func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        has(key) ? try int(key, in: range) : nil
    }

    /// A list, or nil when absent (unlike `array(_:required:)`, which gives empty).
    package func optionalArray(_ key: String) throws(ConfigError) -> [Any]? { has(key) ? try array(key) : nil }

    /// A list of non-empty strings; absent means empty.
    package func stringList(_ key: String) throws(ConfigError) -> [String] {
        var out: [String] = []
        for (i, item) in try array(key, required: false).enumerated() {
            guard let s = item as? String, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigError(file: file, path: "\(at(key))[\(i)]", problem: "expected a non-empty string")
            }
            out.append(s)
        }
        return out
    }
}
