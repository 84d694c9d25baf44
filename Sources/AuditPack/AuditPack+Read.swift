import Foundation
import Store

extension AuditPack {
    /// The data of a pack file: the JSON pack as it is, or the JSON an HTML pack embeds. A file that
    /// is neither is refused saying what was expected.
    package static func read(_ bytes: [UInt8], file: String) throws -> (pack: AuditPackDocument, format: PackFormat) {
        let text = String(decoding: bytes, as: UTF8.self)
        let trimmed = text.drop { $0.isWhitespace }
        if trimmed.hasPrefix("{") { return (try decode(Data(trimmed.utf8), file: file), .json) }
        let open = "<script type=\"application/json\" id=\"\(dataElementID)\">"
        guard let start = text.range(of: open), let end = text.range(of: "</script>", range: start.upperBound..<text.endIndex) else {
            throw StoreError.invalid(
                field: "file", problem: "\(file) is neither a JSON audit pack nor an HTML pack with its data element",
                fix: "give a file written by obligctl report (--format html or json)")
        }
        return (try decode(Data(text[start.upperBound..<end.lowerBound].utf8), file: file), .html)
    }

    private static func decode(_ data: Data, file: String) throws -> AuditPackDocument {
        do { return try JSONDecoder().decode(AuditPackDocument.self, from: data) } catch {
            throw StoreError.invalid(
                field: "file", problem: "\(file) does not hold an audit pack's data (\(error))",
                fix: "give a file written by obligctl report, unedited")
        }
    }

    /// Whether the text of an HTML pack is what its embedded data renders to: nil when it is, else
    /// the first line that differs. Why: the data is checked against the trail, and this ties what a
    /// reader sees (a date in a table) to that data, so an edit of either is found.
    package static func renderingDifference(_ bytes: [UInt8], of pack: AuditPackDocument) -> String? {
        let expected = html(pack).split(separator: "\n", omittingEmptySubsequences: false)
        let actual = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in actual.enumerated() where i >= expected.count || expected[i] != line {
            let shown = line.count > 160 ? line.prefix(160) + "…" : line
            // The obligation whose section holds the line, when one does.
            let section = actual[...i].last { $0.hasPrefix("<section class=\"obligation\" id=\"o") }
            let obligation = section.flatMap { $0.split(separator: "\"").dropFirst(3).first }.map { "obligation \($0.dropFirst()): " } ?? ""
            return "\(obligation)line \(i + 1) of the HTML is not what its embedded data gives: \(shown)"
        }
        return actual.count < expected.count ? "the HTML ends at line \(actual.count), before what its data gives" : nil
    }
}
