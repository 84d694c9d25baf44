/// A notification put into words, before any platform's markup: a title, a one-line summary (the
/// journal's MESSAGE and the chat platforms' notification preview), labelled facts and an optional
/// note. Every format wraps these same parts, so the wording lives in one template per language.
public struct RenderedMessage: Sendable, Equatable {
    public struct Fact: Sendable, Equatable {
        public var label: String
        public var value: String
        public init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    public var language: Language
    public var severity: Severity
    public var title: String
    public var summary: String
    public var facts: [Fact]
    /// Caveats such as "provisional" or "sent late"; nil when there is none.
    public var note: String?

    public init(language: Language, severity: Severity, title: String, summary: String, facts: [Fact], note: String?) {
        self.language = language
        self.severity = severity
        self.title = title
        self.summary = summary
        self.facts = facts
        self.note = note
    }

    /// Title, facts and note as plain lines, for receivers without markup and for tests.
    public var plainText: String {
        var lines = [title]
        lines += facts.map { "\($0.label): \($0.value)" }
        if let note { lines.append(note) }
        return lines.joined(separator: "\n")
    }
}
