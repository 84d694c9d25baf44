/// A point in time as whole seconds since 1970-01-01T00:00:00Z. Pure: no clock, no zone database.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z, without leap seconds (POSIX time). An integer, not Foundation `Date`
    /// (a Double counted from 2001), so equality and arithmetic are exact and DeadlineKit needs no Foundation.
    public var secondsSinceEpoch: Int64

    /// Wraps a raw count, e.g. one read back from storage; every Int64 is an instant, so nothing is checked.
    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// The instant at which a clock `utcOffset` seconds east of UTC reads `hour:minute:second` on `date`.
    public init(date: CivilDate, hour: Int = 0, minute: Int = 0, second: Int = 0, utcOffset: Int) {
        secondsSinceEpoch = Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(utcOffset)
    }

    /// Chronological order, so an instant deadline (`+10min`) can be compared with the moment of the act.
    public static func < (a: Instant, b: Instant) -> Bool { a.secondsSinceEpoch < b.secondsSinceEpoch }

    /// Elapsed-time arithmetic for hour, minute and second periods, which run from the triggering instant and never
    /// roll (Civil Code art. 201); no calendar or zone is involved.
    public func adding(seconds: Int64) -> Instant { Instant(secondsSinceEpoch: secondsSinceEpoch + seconds) }

    /// The UTC day this instant falls on, shifted by `utcOffset` seconds.
    public func civilDate(utcOffset: Int = 0) -> CivilDate {
        let s = secondsSinceEpoch + Int64(utcOffset)
        return CivilDate(dayNumber: Int(s >= 0 ? s / 86_400 : (s - 86_399) / 86_400))
    }

    /// RFC 3339 in UTC: `2025-02-10T16:00:00Z`.
    public var description: String {
        let day = civilDate()
        let secs = Int(secondsSinceEpoch - Int64(day.dayNumber) * 86_400)
        return "\(day)T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))Z"
    }

    /// RFC 3339 at a UTC offset of `utcOffset` seconds, e.g. `2025-03-03T14:15:00+08:00`: how an
    /// instant deadline is shown to the people who must meet it, in their own wall-clock time.
    public func rfc3339(utcOffset: Int) -> String {
        if utcOffset == 0 { return description }
        let local = adding(seconds: Int64(utcOffset))
        let day = local.civilDate()
        let secs = Int(local.secondsSinceEpoch - Int64(day.dayNumber) * 86_400)
        let sign = utcOffset < 0 ? "-" : "+"
        let off = abs(utcOffset) / 60
        return "\(day)T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))\(sign)\(pad(off / 60, 2)):\(pad(off % 60, 2))"
    }

    /// The instant syntax quoted in parse errors. The offset is mandatory so that a deadline never depends on the
    /// zone of the machine that computes it.
    public static let accepted = "an instant as YYYY-MM-DDTHH:MM[:SS](Z|+HH:MM|-HH:MM), e.g. 2025-03-03T14:05:00+08:00"

    /// Parses RFC 3339 with an explicit offset (`Z` or `±HH:MM`); fractional seconds are dropped.
    public init(parsing text: Substring) throws(InputError) {
        // Built only on failure: an import parses hundreds of thousands of instants.
        func fail() -> InputError {
            InputError(token: String(text), problem: "is not an instant with a UTC offset", accepted: Instant.accepted)
        }
        // The date part is exactly YYYY-MM-DD; anything else (e.g. "tomorrow", whose "t" is not a
        // separator) is reported with the whole token rather than an empty or partial date token.
        let bytes = Array(text.utf8)
        guard bytes.firstIndex(where: { $0 == 84 || $0 == 116 }) == 10 else { throw fail() }
        let date = try CivilDate(parsing: text[..<text.utf8.index(text.startIndex, offsetBy: 10)])
        let rest = bytes[11...]
        func num(_ r: Range<Int>) -> Int? {
            guard r.upperBound <= rest.count else { return nil }
            var v = 0
            for i in r {
                let b = rest[rest.startIndex + i]
                guard b >= 48, b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            return v
        }
        func at(_ i: Int) -> UInt8? { i < rest.count ? rest[rest.startIndex + i] : nil }
        guard let h = num(0..<2), at(2) == 58, let m = num(3..<5), h < 24, m < 60 else { throw fail() }
        var s = 0
        var i = 5
        if at(i) == 58 {
            guard let sec = num(6..<8), sec < 60 else { throw fail() }
            s = sec
            i = 8
            if at(i) == 46 {
                i += 1
                while let b = at(i), b >= 48, b <= 57 { i += 1 }
            }
        }
        let zone = rest.count - i
        var offset = 0
        if zone == 1, at(i) == 90 || at(i) == 122 {
            offset = 0
        } else if zone == 6, at(i) == 43 || at(i) == 45, at(i + 3) == 58,
            let oh = num(i + 1..<i + 3), let om = num(i + 4..<i + 6), oh < 24, om < 60
        {
            offset = (oh * 3600 + om * 60) * (at(i) == 45 ? -1 : 1)
        } else {
            throw fail()
        }
        self.init(date: date, hour: h, minute: m, second: s, utcOffset: offset)
    }

    /// Same RFC 3339 parse, for a `String`.
    public init(parsing text: String) throws(InputError) { try self.init(parsing: Substring(text)) }
}
