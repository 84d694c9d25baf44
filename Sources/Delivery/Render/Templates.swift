import Foundation
import Rules
import Store

/// The wording of every message, kept as data in `templates/<language>.json` (compiled in from config/,
/// overridable from the configuration directory) so that translators and operators change words without
/// touching code. One template per notification kind and language; the formats only wrap its parts in
/// their markup.
///
/// A template file:
/// ```json
/// { "language": "en", "weekdays": ["Monday", ...],
///   "phrases": { "left.future": "in {working} ({calendar})", ... },
///   "kinds": { "reminder": { "title": "...", "summary": "...", "facts": [{"label": "Due", "value": "{due} ({weekday})"}], "note": "{provisional}" }, ... } }
/// ```
/// Placeholders are `{name}`; an unknown name is a configuration error, not a blank in a message.
package struct TemplateSet: Sendable {
    /// The wording of one notification kind in one language, with `{name}` placeholders.
    package struct KindTemplate: Sendable {
        /// The message's heading.
        package var title: String
        /// The one line that stands alone (journal MESSAGE, chat preview).
        package var summary: String
        /// Labelled lines in order; a fact whose placeholders all render empty is left out.
        package var facts: [(label: String, value: String)]
        /// The caveat line (provisional, late); empty when it renders to nothing.
        package var note: String
    }

    /// Everything one `templates/<language>.json` gives.
    package struct LanguageTemplates: Sendable {
        /// The language the file is for.
        package var language: Language
        /// Weekday names, Monday first.
        package var weekdays: [String]
        /// Reusable phrases by key (`left.future`, `digest.more`, ...), each with the placeholders `phrases` allows.
        package var phrases: [String: String]
        /// The template of every notification kind; a kind an operator's older file lacks comes from the
        /// compiled-in one.
        package var kinds: [NotificationKind: KindTemplate]
    }

    /// The templates of each language obligd writes; load guarantees all are present.
    package var languages: [Language: LanguageTemplates]

    /// Placeholders a kind template may use; `MessageRenderer` fills each of them.
    package static let placeholders: Set<String> = [
        "title", "entity", "entityId", "obligation", "rule", "ruleTitle", "ruleName", "citation", "addressee",
        "due", "weekday", "dueTime", "left", "stage", "from", "fromWeekday", "reason", "status",
        "provisional", "late", "receiver", "error", "kind", "duties",
        // Digests.
        "count", "breakdown", "more", "digest", "superseded",
        // Agendas.
        "day", "overdueCount", "weekCount", "movedCount"
    ]

    /// Phrases every language must define, with the placeholders each may use.
    package static let phrases: [String: Set<String>] = [
        "left.future": ["working", "calendar"],
        "left.futureCalendarOnly": ["calendar"],
        "left.today": [],
        "left.todayAt": ["dueTime"],
        "left.passedToday": ["dueTime"],
        "left.past": ["working", "calendar"],
        "left.pastCalendarOnly": ["calendar"],
        "days.one": ["n"],
        "days.other": ["n"],
        "workingDays.one": ["n"],
        "workingDays.other": ["n"],
        "provisional": [],
        "late": ["scheduledAt"],
        "customRule": [],
        "digest.more": ["n", "command"],
        "digest.superseded": ["n"],
        "digest.obligation.opened": ["n"],
        "digest.obligation.moved": ["n"],
        "digest.obligation.done": ["n"],
        "digest.obligation.waived": ["n"],
        "digest.obligation.lapsed": ["n"],
        "digest.obligation.reopened": ["n"],
        "digest.obligation.underived": ["n"],
        "digest.classification.began": ["n"],
        "digest.classification.ended": ["n"],
        "agenda.overdue": [],
        "agenda.week": [],
        "agenda.moved": [],
        "agenda.more": ["n"]
    ]

    /// The templates of `language`; every language is present once loaded.
    package func templates(for language: Language) -> LanguageTemplates {
        // load() guarantees every language is present.
        languages[language]!
    }

    /// Reads `templates/en.json` and `templates/zh-CN.json` from the configuration's files.
    package static func load(from configuration: Configuration) throws(ConfigError) -> TemplateSet {
        var languages: [Language: LanguageTemplates] = [:]
        for language in Language.allCases {
            let path = "templates/\(language.rawValue).json"
            let label = configuration.label(path)
            guard let data = configuration.files[path] else {
                throw ConfigError(
                    file: path, path: "",
                    problem:
                        "missing: every language needs its template file (\(Language.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            // An operator's copy written for an older obligd lacks the kinds added since: those keep
            // the default wording rather than stopping obligd after an upgrade.
            var fallback: LanguageTemplates?
            if label != "\(path) (embedded)", let embedded = Configuration.embeddedFile(path) {
                fallback = try parse(embedded, file: "\(path) (embedded)", expected: language)
            }
            languages[language] = try parse(data, file: label, expected: language, fallback: fallback)
        }
        return TemplateSet(languages: languages)
    }

    static func parse(
        _ data: Data, file: String, expected: Language, fallback: LanguageTemplates? = nil
    ) throws(ConfigError) -> LanguageTemplates {
        let root = try JSONObject.parse(data, file: file)
        try root.onlyKeys(["language", "weekdays", "phrases", "kinds"])
        let code = try root.string("language")
        guard code == expected.rawValue else {
            throw root.error("language", "says '\(code)' but the file is templates/\(expected.rawValue).json")
        }
        let weekdays = try root.stringList("weekdays")
        guard weekdays.count == 7 else { throw root.error("weekdays", "needs 7 names, Monday first; found \(weekdays.count)") }

        let phraseObject = try root.object("phrases")
        try phraseObject.onlyKeys(Set(phrases.keys))
        var phraseTexts: [String: String] = [:]
        for (key, allowed) in phrases {
            guard phraseObject.has(key) else {
                if let text = fallback?.phrases[key] {
                    phraseTexts[key] = text
                    continue
                }
                throw phraseObject.error(key, "missing: every phrase is needed")
            }
            let text = try phraseObject.text(key)
            try checkPlaceholders(text, allowed: allowed, in: phraseObject, key: key)
            phraseTexts[key] = text
        }

        let kindsObject = try root.object("kinds")
        try kindsObject.onlyKeys(Set(NotificationKind.allCases.map(\.rawValue)))
        var kinds: [NotificationKind: KindTemplate] = [:]
        for kind in NotificationKind.allCases {
            guard kindsObject.has(kind.rawValue) else {
                if let template = fallback?.kinds[kind] {
                    kinds[kind] = template
                    continue
                }
                throw kindsObject.error(kind.rawValue, "missing: every kind needs a template")
            }
            let k = try kindsObject.object(kind.rawValue)
            try k.onlyKeys(["title", "summary", "facts", "note"])
            let title = try k.string("title")
            let summary = try k.string("summary")
            let note = k.has("note") ? try k.text("note") : ""
            for (key, text) in [("title", title), ("summary", summary), ("note", note)] {
                try checkPlaceholders(text, allowed: placeholders, in: k, key: key)
            }
            var facts: [(String, String)] = []
            for f in try k.objects("facts", required: false) {
                try f.onlyKeys(["label", "value"])
                let label = try f.string("label")
                let value = try f.string("value")
                try checkPlaceholders(value, allowed: placeholders, in: f, key: "value")
                facts.append((label, value))
            }
            kinds[kind] = KindTemplate(title: title, summary: summary, facts: facts, note: note)
        }
        return LanguageTemplates(language: expected, weekdays: weekdays, phrases: phraseTexts, kinds: kinds)
    }

    static func checkPlaceholders(_ text: String, allowed: Set<String>, in object: JSONObject, key: String) throws(ConfigError) {
        for name in Placeholders.names(in: text) where !allowed.contains(name) {
            throw object.error(
                key, "unknown placeholder {\(name)}; known here: \(allowed.sorted().map { "{\($0)}" }.joined(separator: " "))")
        }
    }
}

/// `{name}` substitution, the only template syntax.
enum Placeholders {
    static func names(in text: String) -> [String] {
        var out: [String] = []
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "}") else { break }
            out.append(String(rest[after..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = text[...]
        while let open = rest.firstIndex(of: "{") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "}") else { break }
            out += rest[..<open]
            let name = String(rest[after..<close])
            out += values[name] ?? ""
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
