import Rules

/// A notification put into words, before any platform's markup: a title, a one-line summary (the
/// journal's MESSAGE and the chat platforms' notification preview), labelled facts and an optional
/// note. Every format wraps these same parts, so the wording lives in one template per language.
package struct RenderedMessage: Sendable, Equatable {
    /// One labelled line of the message ("Due: 2026-03-02"), laid out by each platform's markup.
    package struct Fact: Sendable, Equatable {
        /// The label, in the message's language.
        package var label: String
        /// The value, already formatted for people (a local day or time, a count).
        package var value: String
        /// A fact as a template renders it.
        package init(label: String, value: String) {
            self.label = label
            self.value = value
        }
    }

    /// The language it was written in, the receiver's.
    package var language: Language
    /// How urgent it is; sets the journal's priority and the chat platforms' colour or emphasis.
    package var severity: Severity
    /// The heading, e.g. the obligation's title with its state.
    package var title: String
    /// One line that stands alone: the journal's MESSAGE and the chat preview.
    package var summary: String
    /// The labelled facts, in the order shown.
    package var facts: [Fact]
    /// Caveats such as "provisional" or "sent late"; nil when there is none.
    package var note: String?
    /// The web view's page for it (obligd.json `web.baseURL`), in each platform's link form; nil
    /// without a web view.
    package var link: Link?

    /// A link to the web view with its words.
    package struct Link: Sendable, Equatable {
        /// The page's absolute URL under `web.baseURL`.
        package var url: String
        /// The link's words, in the message's language.
        package var label: String
        /// A link as the renderer builds it.
        package init(url: String, label: String) {
            self.url = url
            self.label = label
        }
    }

    /// A message as a template renders it; no link unless the web view is configured.
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
