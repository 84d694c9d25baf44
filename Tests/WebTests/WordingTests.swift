import DeadlineKit
import Testing

@testable import Web

/// The pages' one rounding of spans: days from two days, hours from one hour, minutes below; what is
/// left never reads "0 min", how long ago may.
struct WordingTests {
    let now = Instant(secondsSinceEpoch: 1_800_000_000)

    func left(_ seconds: Int64, _ language: WebLanguage = .en) -> String {
        Wording.left(dueInstant: now.secondsSinceEpoch + seconds, now: now, language: language)
    }

    @Test func whatIsLeftAndHowLate() {
        #expect(left(5 * 86_400 + 7200) == "in 5 d")
        #expect(left(2 * 86_400 - 1) == "in 47 h")
        #expect(left(30) == "in 1 min")
        #expect(left(-3 * 3600 - 59) == "overdue 3 h")
        #expect(left(5 * 86_400, .zhCN) == "剩 5 天")
        #expect(left(-90, .zhCN) == "逾期 1 分钟")
    }

    @Test func howLongAgo() {
        #expect(Wording.age(seconds: 30, language: .en) == "0 min")
        #expect(Wording.age(seconds: 3 * 3600, language: .en) == "3 h")
        #expect(Wording.age(seconds: 2 * 86_400, language: .zhCN) == "2 天")
    }
}
