import DeadlineKit

/// One non-blank line of a notice: where it was, as given, and normalized for reading.
///
/// Normalized means: full-width punctuation and digits as ASCII （）：，；０-９ -> ():,;0-9, a full stop
/// as 。, every kind of bracket around a document number as 〔〕, and no whitespace at all (the notices
/// have no meaningful spaces; copies indent with full-width spaces or break "一 、元旦"). 、 stays.
struct NoticeLine {
    /// 1-based, counting blank lines, as an editor shows it.
    let number: Int
    /// The line as given, without leading and trailing whitespace, for error messages.
    let original: String
    let text: String

    /// The non-blank lines of `text`, whatever its line ends (LF, CRLF, CR, U+2028) and byte-order mark.
    static func split(_ text: String) -> [NoticeLine] {
        var out: [NoticeLine] = []
        for (i, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let normalized = normalize(raw)
            guard !normalized.isEmpty else { continue }
            let original = raw.drop { $0.isWhitespace || $0 == "\u{FEFF}" }.reversed().drop { $0.isWhitespace }.reversed()
            out.append(NoticeLine(number: i + 1, original: String(original), text: normalized))
        }
        return out
    }

    static func normalize(_ s: Substring) -> String {
        var out = ""
        for ch in s where !(ch.isWhitespace || ch == "\u{FEFF}") {
            switch ch {
            case "（": out.append("(")
            case "）": out.append(")")
            case "：": out.append(":")
            case "，": out.append(",")
            case "；": out.append(";")
            case "．", ".": out.append("。")
            case "[", "【", "［": out.append("〔")
            case "]", "】", "］": out.append("〕")
            default:
                if let v = ch.unicodeScalars.first?.value, ch.unicodeScalars.count == 1, (0xFF10...0xFF19).contains(v) {
                    out.append(Character(Unicode.Scalar(v - 0xFF10 + 0x30)!))
                } else {
                    out.append(ch)
                }
            }
        }
        return out
    }

    /// Chinese numerals of item numbers: 一 to 九, 十, 十一, 二十 …
    static let digits: [Character: Int] = ["一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9]

    /// The item number of a holiday line (一、元旦：… is 1), nil for any other line.
    var itemNumber: Int? {
        guard let mark = text.firstIndex(of: "、") else { return nil }
        let numeral = text[..<mark]
        guard !numeral.isEmpty, numeral.allSatisfy({ Self.digits[$0] != nil || $0 == "十" }) else { return nil }
        if numeral == "十" { return 10 }
        let parts = numeral.split(separator: "十", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where numeral.count == 1: return Self.digits[numeral.first!]
        case 2:
            let tens = parts[0].isEmpty ? 1 : parts[0].count == 1 ? Self.digits[parts[0].first!] : nil
            let ones = parts[1].isEmpty ? 0 : parts[1].count == 1 ? Self.digits[parts[1].first!] : nil
            guard let tens, let ones else { return nil }
            return tens * 10 + ones
        default: return nil
        }
    }

    var isItem: Bool { itemNumber != nil }

    /// Whether the line names a day (M月D日), as holiday lines do and closing paragraphs do not.
    var hasDate: Bool { text.contains(/\d{1,2}月\d{1,2}日/) }

    /// The date of a line that is only a date (2024年11月12日): the one that closes the notice.
    var publicationDate: CivilDate? {
        guard let m = text.wholeMatch(of: /(\d{4})年(\d{1,2})月(\d{1,2})日/) else { return nil }
        return CivilDate(year: Int(m.output.1)!, month: Int(m.output.2)!, day: Int(m.output.3)!)
    }
}

/// A numeral for an item number, as the notices write it (1 一, 10 十, 12 十二).
func chineseNumeral(_ n: Int) -> String {
    let digits = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    if n < 10 { return digits[n] }
    return (n / 10 == 1 ? "" : digits[n / 10]) + "十" + digits[n % 10]
}

/// Normalized text shown to a person again with the notice's full-width punctuation.
func fullWidth(_ s: String) -> String {
    String(
        s.map { ch -> Character in
            switch ch {
            case "(": "（"
            case ")": "）"
            case ":": "："
            case ",": "，"
            case ";": "；"
            default: ch
            }
        })
}
