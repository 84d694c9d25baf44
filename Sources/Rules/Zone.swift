import DeadlineKit
import Foundation

/// Converts between civil days and instants in an IANA zone: legal days are counted in the entity's
/// zone, instants are stored in UTC.
package struct Zone: Sendable, Hashable {
    /// The zone of an entity added without one: the shipped rules are China's, counted in Beijing time.
    package static let defaultIdentifier = "Asia/Shanghai"

    /// The IANA name it was made from, as stored on the entity.
    package let identifier: String
    let timeZone: TimeZone

    /// The zone `identifier` names; an unknown name is an error suggesting the form.
    package init(_ identifier: String) throws(InputError) {
        guard let tz = TimeZone(identifier: identifier) else {
            throw InputError(
                token: identifier, problem: "is not a known time zone",
                accepted: "an IANA zone name such as Asia/Shanghai or Europe/Berlin")
        }
        self.identifier = identifier
        self.timeZone = tz
    }

    /// Asia/Shanghai, the default zone, ready made.
    package static let shanghai = try! Zone(defaultIdentifier)

    /// The instant at local wall-clock `minutes` after midnight of `day`; in a gap (DST spring forward)
    /// the first valid instant after it.
    package func instant(_ day: CivilDate, minutesAfterMidnight minutes: Int = 0) -> Instant {
        let naive = Instant(date: day, hour: 0, minute: 0, second: 0, utcOffset: 0).adding(seconds: Int64(minutes) * 60)
        // Two passes settle the offset except inside a gap, where the later offset is used.
        let guess = naive.adding(seconds: -Int64(offset(at: naive)))
        let settled = naive.adding(seconds: -Int64(offset(at: guess)))
        return settled
    }

    /// 24:00 of `day`: the first instant of the next day, when a period ends (Civil Code art. 203).
    package func endOfDay(_ day: CivilDate) -> Instant { instant(day.adding(days: 1)) }

    /// The zone's offset from UTC at `i`, in seconds (DST applies where the zone has it).
    package func offset(at i: Instant) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(i.secondsSinceEpoch)))
    }

    /// `i` in this zone's wall-clock time with its offset, e.g. `2025-03-03T14:15:00+08:00`.
    package func local(_ i: Instant) -> String { i.rfc3339(utcOffset: offset(at: i)) }

    /// The civil day `i` falls on in this zone.
    package func day(of i: Instant) -> CivilDate { i.civilDate(utcOffset: offset(at: i)) }
}
