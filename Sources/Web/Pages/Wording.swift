import DeadlineKit
import Rules

/// How the pages say times: a due day with its weekday, how long is left or how late, and an instant
/// in the entity's zone. One place, so the overview and the obligation page agree.
enum Wording {
    /// "in 5 d", "overdue 3 d", "in 4 h" (English) or "剩 5 天", "逾期 3 天" (Chinese).
    static func left(dueInstant: Int64, now: Instant, language: WebLanguage) -> String {
        let seconds = dueInstant - now.secondsSinceEpoch
        // Never "in 0 min": under a minute left still reads as one.
        let span = coarse(abs(seconds), atLeastOneMinute: true, language: language)
        switch language {
        case .en: return seconds < 0 ? "overdue \(span)" : "in \(span)"
        case .zhCN: return seconds < 0 ? "逾期 \(span)" : "剩 \(span)"
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
        coarse(seconds, atLeastOneMinute: false, language: language)
    }

    /// A span in whole days from two days up, else whole hours from one hour up, else minutes: the
    /// one rounding both `left` and `age` use, so a page never says "47 h" in one place and "1 d" in
    /// another.
    private static func coarse(_ seconds: Int64, atLeastOneMinute: Bool, language: WebLanguage) -> String {
        let (n, en, zh): (Int64, String, String) =
            seconds >= 2 * 86_400
            ? (seconds / 86_400, "d", "天")
            : seconds >= 3600 ? (seconds / 3600, "h", "小时") : (max(seconds / 60, atLeastOneMinute ? 1 : 0), "min", "分钟")
        return "\(n) \(language == .en ? en : zh)"
    }
}
