import DeadlineKit
import Foundation

/// One calendar file (`calendars/<region>/<year>.json`) as plain values, and its text in the layout of
/// the shipped files (one holiday per line).
///
/// Why: `obligctl calendar import-notice` writes files that an operator reviews next to the shipped
/// ones, so they must look the same; tests decode the shipped files into it to compare a parsed notice
/// with them field by field. `CalendarFile` stays the one validator: a document is checked by parsing
/// its `text` with it.
package struct CalendarDocument: Codable, Equatable, Sendable {
    /// A notice as the file cites it; dates as `YYYY-MM-DD`.
    package struct Notice: Codable, Equatable, Sendable {
        /// The notice's title, as published (the State Council's own words).
        package var title: String
        /// Its document number (国办发明电...), if it has one.
        package var reference: String?
        /// The day it was published, if known.
        package var published: String?

        /// A citation; number and day may be unknown.
        package init(title: String, reference: String? = nil, published: String? = nil) {
            self.title = title
            self.reference = reference
            self.published = published
        }
    }

    /// One run of days off with its make-up working days; dates as `YYYY-MM-DD`.
    package struct Holiday: Codable, Equatable, Sendable {
        /// The holiday's English name (`Spring Festival`), as explanations show it.
        package var name: String
        /// Its Chinese name (春节), shown beside the English one; nil in files that give none.
        package var localName: String?
        /// The first day off.
        package var from: String
        /// The last day off, inclusive.
        package var to: String
        /// Weekend days worked instead (调休), which count as working days; empty when none.
        package var makeUpDays: [String]

        /// The run as the calendar holds it.
        package init(_ run: HolidayRun) {
            name = run.name
            localName = run.localName
            from = run.first.description
            to = run.last.description
            makeUpDays = run.makeUpDays.map(\.description)
        }

        /// Reads a shipped file's entry; `makeUpDays` may be left out, meaning none.
        package init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            localName = try c.decodeIfPresent(String.self, forKey: .localName)
            from = try c.decode(String.self, forKey: .from)
            to = try c.decode(String.self, forKey: .to)
            makeUpDays = try c.decodeIfPresent([String].self, forKey: .makeUpDays) ?? []
        }
    }

    /// The calendar region (`cn`); must match the folder the file lives in.
    package var region: String
    /// The calendar year the file decides.
    package var year: Int
    /// 1 or more, raised on each correction; a due day's explanation names the version in force.
    package var version: Int
    /// The notice that decided the year's holidays.
    package var notice: Notice
    /// Later notices that changed the year, in order; nil or empty when there were none.
    package var amendments: [Notice]?
    /// The year's runs of days off, in order.
    package var holidays: [Holiday]

    /// A document from its parts; `text` gives the file, and `CalendarFile` checks it.
    package init(region: String, year: Int, version: Int, notice: Notice, amendments: [Notice]? = nil, holidays: [Holiday]) {
        self.region = region
        self.year = year
        self.version = version
        self.notice = notice
        self.amendments = amendments
        self.holidays = holidays
    }

    /// The file's text, laid out as the shipped files are: two-space indentation, the notice on its
    /// own lines, each holiday and each amendment on one line, a newline at the end.
    package var text: String {
        var out = ["{"]
        out.append("  \"region\": \(quoted(region)),")
        out.append("  \"year\": \(year),")
        out.append("  \"version\": \(version),")
        let noticeFields = fields(notice).map { "    \($0.key): \($0.value)" }
        out.append("  \"notice\": {")
        out.append(noticeFields.joined(separator: ",\n"))
        out.append("  },")
        if let amendments, !amendments.isEmpty {
            out.append("  \"amendments\": [")
            out.append(
                amendments.map { "    { " + fields($0).map { "\($0.key): \($0.value)" }.joined(separator: ", ") + " }" }.joined(
                    separator: ",\n"))
            out.append("  ],")
        }
        out.append("  \"holidays\": [")
        let lines = holidays.map { h in
            var parts = ["\"name\": \(quoted(h.name))"]
            if let local = h.localName { parts.append("\"localName\": \(quoted(local))") }
            parts.append("\"from\": \(quoted(h.from))")
            parts.append("\"to\": \(quoted(h.to))")
            parts.append("\"makeUpDays\": [" + h.makeUpDays.map(quoted).joined(separator: ", ") + "]")
            return "    { " + parts.joined(separator: ", ") + " }"
        }
        out.append(lines.joined(separator: ",\n"))
        out.append("  ]")
        out.append("}")
        return out.joined(separator: "\n") + "\n"
    }

    private func fields(_ n: Notice) -> [(key: String, value: String)] {
        var f = [("\"title\"", quoted(n.title))]
        if let r = n.reference { f.append(("\"reference\"", quoted(r))) }
        if let p = n.published { f.append(("\"published\"", quoted(p))) }
        return f.map { (key: $0.0, value: $0.1) }
    }
}

/// `s` as a JSON string literal; non-ASCII text (the notices' Chinese) is written as is, not escaped.
private func quoted(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
