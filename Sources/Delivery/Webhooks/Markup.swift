import Foundation

/// Escaping and size limits shared by the formats.
///
/// Everything a format puts into markup goes through one of the escapes here: the rendered text holds
/// user text (titles, entity names, notes, refs, a receiver's error answer), and templates carry no
/// markup of their own, so escaping the whole rendered string escapes exactly the user's part.
enum Markup {
    /// Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character, marking the cut.
    static func truncate(_ text: String, maxBytes: Int) -> String {
        guard text.utf8.count > maxBytes else { return text }
        var out = ""
        var used = 0
        let mark = "…"
        for ch in text {
            let n = String(ch).utf8.count
            if used + n + mark.utf8.count > maxBytes { break }
            out.append(ch)
            used += n
        }
        return out + mark
    }

    static func truncate(characters text: String, max: Int) -> String {
        text.count <= max ? text : String(text.prefix(max - 1)) + "…"
    }

    /// Control characters (a newline in a title would start a markdown heading or list) as spaces.
    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? " " : $0 }))
    }

    /// Slack mrkdwn: `&`, `<` and `>` are the only control characters ("There are three characters you
    /// must convert to HTML entities and only three", api.slack.com/docs/message-formatting); escaped,
    /// `<!channel>` or `<@U123>` in a title is shown, not acted on.
    static func slack(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }

    /// Feishu card `lark_md`: the characters of its markdown and of `<at id=all></at>` as HTML entities,
    /// as Feishu's rich-text documentation asks for text that must show as typed.
    static func larkMarkdown(_ s: String) -> String { substitute(oneLine(s), larkEntities) }

    static let larkEntities: [Character: String] = [
        "<": "&#60;", ">": "&#62;", "*": "&#42;", "~": "&#126;", "[": "&#91;", "]": "&#93;", "(": "&#40;", ")": "&#41;",
        "_": "&#95;", "\\": "&#92;"
    ]

    /// DingTalk, WeCom and Teams markdown have no documented escape. Their active syntax is neutralised
    /// with full-width look-alikes: `<` `>` (WeCom's `<@userid>` mention and `<font>`, DingTalk's
    /// `<font>`), `[` `]` (links, images), `*` `_` `#` (emphasis, headings), and line breaks (a new
    /// block). Code spans are left alone: they cannot link or mention. The text reads the same to a person.
    static func plainMarkdown(_ s: String) -> String { substitute(oneLine(s), fullWidth) }

    static let fullWidth: [Character: String] = ["<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "_": "＿", "#": "＃"]

    /// `s` with each character found in `map` replaced by its value.
    static func substitute(_ s: String, _ map: [Character: String]) -> String {
        var out = ""
        for ch in s { if let r = map[ch] { out += r } else { out.append(ch) } }
        return out
    }

    /// The message with every field cut to at most `fieldBytes` of UTF-8.
    static func shrink(_ r: RenderedMessage, fieldBytes n: Int) -> RenderedMessage {
        var m = r
        m.title = truncate(r.title, maxBytes: n)
        m.summary = truncate(r.summary, maxBytes: n)
        m.facts = r.facts.map { .init(label: truncate($0.label, maxBytes: n), value: truncate($0.value, maxBytes: n)) }
        m.note = r.note.map { truncate($0, maxBytes: n) }
        return m
    }

    /// The body `build` makes of `r`, with the message's fields cut shorter and shorter until the body
    /// fits in `maxBytes`: a message is never rejected for its size, and short fields are kept whole.
    static func fit(_ r: RenderedMessage, maxBytes: Int, _ build: (RenderedMessage) throws -> Data) throws -> Data {
        var body = try build(r)
        var n = 8192
        while body.count > maxBytes, n >= 16 {
            body = try build(shrink(r, fieldBytes: n))
            n /= 2
        }
        return body
    }
}
