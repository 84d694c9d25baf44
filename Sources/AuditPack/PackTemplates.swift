import Foundation
import Mustache
import Rules

/// The HTML pack's template (swift-mustache), as the web view keeps its templates: Swift string
/// constants. `{{name}}` escapes HTML, so every text from a user or a rule pack is text. The one
/// `{{{packJSON}}}` is the pack's own JSON with `<`, `>` and `&` written as `\u003c` etc.
/// (`AuditPack.embeddedJSON`), which cannot end its element. Self-contained: the stylesheet is
/// inline, there is no script to run and no external resource, and printing breaks the page
/// before each obligation.
enum Templates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        MustacheContentTypes.register(HTMLBytes(), named: HTMLBytes.name)
        // Fixed text checked by the tests; one that does not parse is a build defect. One pair per
        // language with the words already in (`localized`): a pack of 10,000 obligations looked each
        // word up in the context for every obligation, and spent most of its time there.
        for language in Language.allCases {
            let t = PackPhrases.of(language)
            try! library.register(localized(pack, t), named: "pack-\(language.rawValue)")
            try! library.register(localized(obligation, t), named: "obligation-\(language.rawValue)")
        }
        return library
    }()

    /// `text` with each `{{t.KEY}}` replaced by the phrase, HTML-escaped as `{{ }}` would.
    static func localized(_ text: String, _ t: PackPhrases) -> String {
        var out = text
        for (key, value) in t.values {
            let escaped = value.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            out = out.replacingOccurrences(of: "{{t.\(key)}}", with: escaped)
        }
        return out
    }

    static let style = """
        body{font:14px/1.45 -apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;
        color:#111;margin:2em auto;max-width:60em;padding:0 1em}
        h1{font-size:1.6em;margin:0 0 .3em}h2{font-size:1.25em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}
        h3{font-size:1em;margin:1em 0 .3em}
        table{border-collapse:collapse;width:100%;margin:.3em 0 1em}th,td{border:1px solid #ccc;padding:.25em .45em;
        text-align:left;vertical-align:top}th{background:#f3f3f3;font-weight:600}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.4em 0}dt{font-weight:600}dd{margin:0}
        .hash{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em;word-break:break-all}
        .late{color:#a40000;font-weight:600}.ok{color:#05620f;font-weight:600}.note{color:#444;font-size:.9em}
        .obligation{border-top:2px solid #333;margin-top:2em;padding-top:.5em}
        @media print{body{margin:0;max-width:none;font-size:11pt}.obligation{break-before:page;page-break-before:always;
        border-top:none}table{page-break-inside:auto}tr{page-break-inside:avoid}a{color:inherit;text-decoration:none}}
        """

    static let pack = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="referrer" content="no-referrer">
        <title>{{t.title}} · {{entityName}} · {{from}} – {{to}}</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        <header>
        <h1>{{t.title}}: {{entityName}}</h1>
        <dl>
        <dt>{{t.entity}}</dt><dd>{{entityName}} ({{entityId}})</dd>
        <dt>{{t.period}}</dt><dd>{{from}} – {{to}}</dd>
        <dt>{{t.zone}}</dt><dd>{{zone}}</dd>
        <dt>{{t.region}}</dt><dd>{{region}}</dd>
        {{#owner}}<dt>{{t.owner}}</dt><dd>{{owner}}</dd>{{/owner}}
        <dt>{{t.generated}}</dt><dd>{{generatedAt}} · {{t.by}} {{generatedBy}}</dd>
        </dl>
        </header>
        <section>
        <h2>{{t.chain}}</h2>
        <p class="{{#chainIntact}}ok{{/chainIntact}}{{^chainIntact}}late{{/chainIntact}}">{{chainResult}}</p>
        <dl>
        <dt>{{t.chainRows}}</dt><dd>{{chainRows}}</dd>
        <dt>{{t.chainHead}}</dt><dd>{{chainHeadId}} <span class="hash">{{chainHeadHash}}</span></dd>
        <dt>{{t.evidenceFiles}}</dt><dd>{{evidenceFiles}} ({{evidenceBytes}})</dd>
        </dl>
        <p class="note">{{t.proves}}</p>
        </section>
        <section>
        <h2>{{t.summary}}</h2>
        <table><tr>{{#totals}}<th>{{label}}</th>{{/totals}}</tr><tr>{{#totals}}<td>{{n}}</td>{{/totals}}</tr></table>
        {{#none}}<p>{{t.none}}</p>{{/none}}
        </section>
        {{{sections}}}
        <script type="application/json" id="obligd-audit-pack">{{{packJSON}}}</script>
        </body>
        </html>

        """

    /// One obligation's section, rendered apart (`AuditPack.sections`) and put in `pack`'s `{{{sections}}}`:
    /// HTML this template made, every value in it escaped.
    static let obligation = """
        {{% CONTENT_TYPE: \(HTMLBytes.name)}}<section class="obligation" id="o{{id}}">
        <h2>{{t.obligation}} {{id}}: {{#rule}}{{title}}{{/rule}}{{^rule}}{{title}}{{/rule}}</h2>
        <dl>
        {{#rule}}<dt>{{t.rule}}</dt><dd>{{id}} · {{title}}</dd><dt>{{t.legalBasis}}</dt><dd>{{citation}}</dd>{{/rule}}
        <dt>{{t.trigger}}</dt><dd>{{trigger}}</dd>
        <dt>{{t.start}}</dt><dd>{{start}}</dd>
        <dt>{{t.periodLength}}</dt><dd>{{period}}{{#roll}} · {{t.roll}} {{roll}}{{/roll}}</dd>
        <dt>{{t.due}}</dt><dd>{{due}}{{#provisional}} · {{t.provisional}}{{/provisional}}</dd>
        <dt>{{t.calendars}}</dt><dd>{{calendars}}</dd>
        <dt>{{t.status}}</dt><dd>{{status}}</dd>
        <dt>{{t.closedOn}}</dt><dd>{{closedOn}}</dd>
        <dt>{{t.outcome}}</dt><dd class="{{#late}}late{{/late}}{{^late}}ok{{/late}}">{{outcome}}</dd>
        <dt>{{t.source}}</dt><dd>{{sourceId}} <span class="hash">{{sourceHash}}</span></dd>
        </dl>
        <h3>{{t.history}}</h3>
        <table>
        <tr><th>{{t.at}}</th><th>{{t.actor}}</th><th>{{t.action}}</th><th>{{t.what}}</th><th>{{t.row}}</th><th>{{t.hash}}</th></tr>
        {{#history}}<tr><td>{{at}}</td><td>{{actor}}</td><td>{{action}}</td><td>{{text}}</td><td>{{id}}</td><td class="hash">{{hash}}</td></tr>
        {{/history}}
        </table>
        {{#hasEvidence}}
        <h3>{{t.evidence}}</h3>
        <table>
        <tr><th>#</th><th>{{t.name}}</th><th>{{t.size}}</th><th>SHA-256</th><th>{{t.reference}}</th><th>{{t.added}}</th><th>{{t.row}}</th></tr>
        {{#evidence}}<tr><td>{{number}}</td><td>{{name}}<br><span class="note">{{mediaType}}</span></td><td>{{size}}</td>
        <td class="hash">{{sha256}}</td><td>{{reference}}</td><td>{{addedAt}} · {{actor}}</td><td>{{auditId}}</td></tr>
        {{/evidence}}
        </table>
        {{/hasEvidence}}
        {{#hasReminders}}
        <h3>{{t.reminders}}</h3>
        <table>
        <tr><th>{{t.stage}}</th><th>{{t.dueAt}}</th><th>{{t.firedAt}}</th><th>{{t.notice}}</th><th>{{t.journal}}</th><th>{{t.deliveries}}</th></tr>
        {{#reminders}}<tr><td>{{stage}}</td><td>{{dueAt}}</td><td>{{firedAt}}{{#late}} ({{t.lateFired}}){{/late}}</td>
        <td class="hash">{{notice}}</td><td>{{journal}}</td><td>{{deliveries}}</td></tr>
        {{/reminders}}
        </table>
        {{/hasReminders}}
        </section>

        """
}

/// HTML escaping of the same five characters as swift-mustache's own (`<`, `>`, `&`, `"`, `'`), done
/// on UTF-8 bytes: its escaper walks `Character`s through a dictionary, which was an eighth of the
/// time of a 10,000-obligation pack. The obligation template selects it with the `CONTENT_TYPE`
/// pragma; the tests check that a title with each of the five is written as text.
struct HTMLBytes: MustacheContentType {
    static let name = "OBLIGD_HTML"

    func escapeText(_ text: String) -> String {
        let special: (UInt8) -> Bool = { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }
        guard text.utf8.contains(where: special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case 0x3C: out.append(contentsOf: [0x26, 0x6C, 0x74, 0x3B])  // &lt;
            case 0x3E: out.append(contentsOf: [0x26, 0x67, 0x74, 0x3B])  // &gt;
            case 0x26: out.append(contentsOf: [0x26, 0x61, 0x6D, 0x70, 0x3B])  // &amp;
            case 0x22: out.append(contentsOf: [0x26, 0x71, 0x75, 0x6F, 0x74, 0x3B])  // &quot;
            case 0x27: out.append(contentsOf: [0x26, 0x23, 0x33, 0x39, 0x3B])  // &#39;
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
