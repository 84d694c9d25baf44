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
    /// The web view's page for it (obligd.json `web.baseURL`), in each platform's link form; nil
    /// without a web view.
    package var link: Link?

    /// A link to the web view with its words.
    package struct Link: Sendable, Equatable {
        package var url: String
        package var label: String
        package init(url: String, label: String) {
            self.url = url
            self.label = label
        }
    }

    package init(
        language: Language, severity: Severity, title: String, summary: String, facts: [Fact], note: String?, link: Link? = nil
    ) {
        self.language = language
        self.severity = severity
        self.title = title
        self.summary = summary
        self.facts = facts
        self.note = note
        self.link = link
    }

    /// Title, facts and note as plain lines, for receivers without markup and for tests.
    package var plainText: String {
        var lines = [title]
        lines += facts.map { "\($0.label): \($0.value)" }
        if let note { lines.append(note) }
        if let link { lines.append("\(link.label): \(link.url)") }
        return lines.joined(separator: "\n")
    }
}
