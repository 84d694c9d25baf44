import Rules

/// A notification put into words, before any platform's markup: a title, a one-line summary (the
/// journal's MESSAGE and the chat platforms' notification preview), labelled facts and an optional
/// note. Every format wraps these same parts, so the wording lives in one template per language.
package struct RenderedMessage: Sendable, Equatable {
    package struct Fact: Sendable, Equatable {
        package var label: String
        package var value: String
        package init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    package var language: Language
    package var severity: Severity
    package var title: String
    package var summary: String
    package var facts: [Fact]
    /// Caveats such as "provisional" or "sent late"; nil when there is none.
    package var note: String?

    package init(language: Language, severity: Severity, title: String, summary: String, facts: [Fact], note: String?) {
        self.language = language
        self.severity = severity
        self.title = title
        self.summary = summary
        self.facts = facts
        self.note = note
    }

    /// Title, facts and note as plain lines, for receivers without markup and for tests.
    package var plainText: String {
        var lines = [title]
        lines += facts.map { "\($0.label): \($0.value)" }
        if let note { lines.append(note) }
        return lines.joined(separator: "\n")
    }
}
