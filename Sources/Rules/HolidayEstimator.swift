import DeadlineKit
import Foundation

/// The documented estimate for a year whose State Council notice is not yet loaded: weekends plus the
/// statutory holidays of the National Holidays Measures (2024 revision), with the lunar dates derived
/// from Foundation's Chinese calendar and Qingming from the solar-term formula. No make-up days are
/// guessed, so the estimate is neither an upper nor a lower bound: results are marked provisional.
package struct HolidayEstimator: Sendable {
    /// How a year from 2025 on is estimated (the 2024 measures), as a provisional due day's explanation cites it.
    package static let method =
        "weekends plus statutory holidays of the National Holidays Measures (2024): New Year 1 day, Spring Festival 4 (eve to day 3), Qingming 1, Labour Day 2, Dragon Boat 1, Mid-Autumn 1, National Day 3; lunar dates derived"
    /// The measures as revised in 2013 (in force 2014-2024) and 2007 (in force 2008-2013).
    package static let method2014 =
        "weekends plus statutory holidays of the National Holidays Measures (2013 revision, in force 2014-2024): New Year 1, Spring Festival 3 (days 1-3), Qingming 1, Labour Day 1, Dragon Boat 1, Mid-Autumn 1, National Day 3; lunar dates derived"
    /// How a year from 2008 to 2013 is estimated.
    package static let method2008 =
        "weekends plus statutory holidays of the National Holidays Measures (2007 revision, in force 2008-2013): New Year 1, Spring Festival 3 (eve to day 2), Qingming 1, Labour Day 1, Dragon Boat 1, Mid-Autumn 1, National Day 3; lunar dates derived"

    private let gregorian: Calendar
    private let chinese: Calendar

    /// An estimator whose Gregorian and Chinese calendars reckon lunar dates in Asia/Shanghai.
    package init() {
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        var g = Calendar(identifier: .gregorian)
        g.timeZone = zone
        var c = Calendar(identifier: .chinese)
        c.timeZone = zone
        gregorian = g
        chinese = c
    }

    /// `year`'s estimated calendar (weekends and statutory holidays, no make-up days), marked estimated with its
    /// method.
    package func estimate(year: Int) -> YearCalendar {
        let newYearsDay = CivilDate(year: year, month: 1, day: 1)!
        let springFestival = lunar(month: 1, day: 1, onOrAfter: CivilDate(year: year, month: 1, day: 19)!)
        let dragonBoat = lunar(month: 5, day: 5, onOrAfter: CivilDate(year: year, month: 5, day: 25)!)
        let midAutumn = lunar(month: 8, day: 15, onOrAfter: CivilDate(year: year, month: 9, day: 5)!)
        var runs = [
            HolidayRun(name: "New Year's Day", localName: "元旦", first: newYearsDay, last: newYearsDay),
            HolidayRun(
                name: "Spring Festival", localName: "春节",
                first: springFestival.adding(days: year >= 2025 || year < 2014 ? -1 : 0),
                last: springFestival.adding(days: year >= 2025 ? 2 : year >= 2014 ? 2 : 1)),
            HolidayRun(name: "Qingming Festival", localName: "清明节", first: qingming(year), last: qingming(year)),
            HolidayRun(
                name: "Labour Day", localName: "劳动节", first: CivilDate(year: year, month: 5, day: 1)!,
                last: CivilDate(year: year, month: 5, day: year >= 2025 ? 2 : 1)!),
            HolidayRun(name: "Dragon Boat Festival", localName: "端午节", first: dragonBoat, last: dragonBoat),
            HolidayRun(name: "Mid-Autumn Festival", localName: "中秋节", first: midAutumn, last: midAutumn),
            HolidayRun(
                name: "National Day", localName: "国庆节", first: CivilDate(year: year, month: 10, day: 1)!,
                last: CivilDate(year: year, month: 10, day: 3)!)
        ].sorted { $0.first < $1.first }
        // Mid-Autumn can fall inside National Day; keep runs disjoint by merging.
        var merged: [HolidayRun] = []
        for run in runs {
            if var last = merged.last, run.first.dayNumber <= last.last.dayNumber + 1 {
                last.name += " and " + run.name
                last.localName = [last.localName, run.localName].compactMap { $0 }.joined(separator: "、")
                last.last = max(last.last, run.last)
                merged[merged.count - 1] = last
            } else {
                merged.append(run)
            }
        }
        runs = merged
        let method = year >= 2025 ? Self.method : year >= 2014 ? Self.method2014 : Self.method2008
        return YearCalendar(year: year, holidays: runs, source: .estimated(method: method))
    }

    /// Qingming (清明), the solar term at 15° solar longitude: day = [Y*0.2422 + 4.81] - [Y/4], valid 2000-2099.
    func qingming(_ year: Int) -> CivilDate {
        let y = year % 100
        let day = Int(Double(y) * 0.2422 + 4.81) - y / 4
        return CivilDate(year: year, month: 4, day: day)!
    }

    /// The first Gregorian day on or after `start` that is lunar `month`/`day` (not a leap month).
    func lunar(month: Int, day: Int, onOrAfter start: CivilDate) -> CivilDate {
        var d = start
        for _ in 0..<24 {
            let c = chinese.dateComponents([.month, .day, .isLeapMonth], from: noon(d))
            guard let m = c.month, let dd = c.day else { break }
            if m == month, c.isLeapMonth != true {
                let found = d.adding(days: day - dd)
                if found >= start { return found }
            }
            d = d.adding(days: 30 - dd + 1)
        }
        preconditionFailure("no lunar \(month)/\(day) found after \(start)")
    }

    private func noon(_ d: CivilDate) -> Date {
        let c = d.components
        return gregorian.date(from: DateComponents(year: c.year, month: c.month, day: c.day, hour: 12))!
    }
}
