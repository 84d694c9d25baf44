import DeadlineKit
import Rules

/// How the pages say times: a due day with its weekday, how long is left or how late, and an instant
/// in the entity's zone. One place, so the overview and the obligation page agree.
enum Wording {
    /// "in 5 d", "overdue 3 d", "in 4 h" (English) or "剩 5 天", "逾期 3 天" (Chinese).
    static func left(dueInstant: Int64, now: Instant, language: WebLanguage) -> String {
        let seconds = dueInstant - now.secondsSinceEpoch
        let span = abs(seconds)
        let (n, unit): (Int64, String) =
            span >= 2 * 86_400
            ? (span / 86_400, language == .en ? "d" : "天")
            : span >= 3600
                ? (span / 3600, language == .en ? "h" : "小时")
                : (max(span / 60, 1), language == .en ? "min" : "分钟")
        switch language {
        case .en: return seconds < 0 ? "overdue \(n) \(unit)" : "in \(n) \(unit)"
        case .zhCN: return seconds < 0 ? "逾期 \(n) \(unit)" : "剩 \(n) \(unit)"
        }
    }

    /// The weekday of `d` in the page's language.
    static func weekday(_ d: CivilDate, language: WebLanguage) -> String {
        switch language {
        case .en: String(d.weekdayName.prefix(3))
        case .zhCN: ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][d.isoWeekday - 1]
        }
    }

    /// "2026-02-14 09:00" in `zone`.
    static func local(_ i: Instant, zone: Zone) -> String {
        let t = zone.local(i)
        return "\(t.prefix(10)) \(t.dropFirst(11).prefix(5))"
    }
}

extension Wording {
    /// How long ago, coarsely: "3 min", "2 h", "4 d" (English) or "3 分钟", "2 小时", "4 天".
    static func age(seconds: Int64, language: WebLanguage) -> String {
        let (n, en, zh): (Int64, String, String) =
            seconds >= 2 * 86_400
            ? (seconds / 86_400, "d", "天") : seconds >= 3600 ? (seconds / 3600, "h", "小时") : (max(seconds / 60, 0), "min", "分钟")
        return "\(n) \(language == .en ? en : zh)"
    }
}
