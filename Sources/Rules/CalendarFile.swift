import DeadlineKit
import Foundation

/// Reads one official calendar file (`calendars/<region>/<year>.json`) and checks it against the shape
/// of a State Council notice: runs inside the year, no overlaps, make-up days on weekends only.
///
/// A notice may reach back into the last week of December before its year: the 2019 notice's New Year
/// run was 2018-12-30..2019-01-01 with Saturday 2018-12-29 worked, and the 2012 notice made Saturday
/// 2011-12-31 a working day. Such days belong to the file of the notice that announced them, so a run
/// may start, and a make-up day fall, from December 25 of the previous year; a run still ends in the
/// file's year. `Configuration` checks that no day is named by two files.
///
/// `amendments` (optional) lists the later notices that changed the year after the first one (the 2015
/// Victory Day holiday, the 2019 Labour Day change, the 2020 Spring Festival extension); `holidays` then
/// gives the days as amended, and every explanation cites the amendments after the notice.
package enum CalendarFile {
    /// The first day a file for `year` may name: December 25 of the year before.
    package static func earliestDay(of year: Int) -> CivilDate { CivilDate(year: year - 1, month: 12, day: 25)! }

    /// Reads and checks one calendar file (`calendars/<region>/<year>.json`); every error names the file and the key.
    package static func parse(_ data: Data, file: String) throws(ConfigError) -> (region: String, year: YearCalendar) {
        let root = try JSONObject.parse(data, file: file)
        try root.onlyKeys(["region", "year", "version", "notice", "amendments", "holidays"])
        let region = try root.string("region")
        let year = try root.int("year")
        guard Configuration.supportedYears.contains(year) else {
            throw root.error(
                "year",
                "\(year) is outside the supported range \(Configuration.supportedYears.lowerBound)-\(Configuration.supportedYears.upperBound)"
            )
        }
        let version = try root.int("version")
        guard version >= 1 else { throw root.error("version", "must be 1 or more (raise it on each correction)") }
        let notice = try root.object("notice")
        try notice.onlyKeys(["title", "reference", "published"])
        let title = try notice.string("title")
        let reference = try notice.optionalString("reference")
        let published = try notice.optionalDate("published")
        var amendments: [String] = []
        for a in try root.objects("amendments", required: false) {
            try a.onlyKeys(["title", "reference", "published"])
            var text = try a.string("title")
            if let r = try a.optionalString("reference") { text += " \(r)" }
            if let p = try a.optionalDate("published") { text += ", published \(p)" }
            amendments.append(text)
        }
        let earliest = earliestDay(of: year)
        let outside = "a file holds one year's notice, which may reach back to \(earliest)"

        var runs: [HolidayRun] = []
        var seenMakeUp: [CivilDate: String] = [:]
        for h in try root.objects("holidays") {
            try h.onlyKeys(["name", "localName", "from", "to", "makeUpDays"])
            let name = try h.string("name")
            let from = try h.date("from"), to = try h.date("to")
            guard from.year == year || (from >= earliest && from.year == year - 1) else {
                throw h.error("from", "\(from) is not in \(year); \(outside)")
            }
            guard to.year == year else { throw h.error("to", "\(to) is not in \(year); a file holds one year") }
            guard from <= to else { throw h.error("to", "\(to) is before 'from' \(from)") }
            let makeUps = try h.dates("makeUpDays", required: false)
            for (i, m) in makeUps.enumerated() {
                let key = "makeUpDays[\(i)]"
                guard m.year == year || (m >= earliest && m.year == year - 1) else {
                    throw h.error(key, "\(m) is not in \(year); \(outside)")
                }
                guard m.isWeekend else {
                    throw h.error(key, "\(m) is a \(m.weekdayName); a make-up working day must be a Saturday or Sunday")
                }
                if from <= m && m <= to { throw h.error(key, "\(m) lies inside the holiday \(from)..\(to) itself") }
                if let other = seenMakeUp[m] { throw h.error(key, "\(m) is already a make-up day of \(other)") }
                seenMakeUp[m] = name
            }
            if let clash = runs.first(where: { $0.first <= to && from <= $0.last }) {
                throw h.error(nil, "\(name) \(from)..\(to) overlaps \(clash.name) \(clash.first)..\(clash.last)")
            }
            runs.append(
                HolidayRun(
                    name: name, localName: try h.optionalString("localName"),
                    first: from, last: to, makeUpDays: makeUps))
        }
        for run in runs {
            for m in run.makeUpDays {
                if let clash = runs.first(where: { $0.contains(m) }) {
                    throw ConfigError(
                        file: file, path: "holidays",
                        problem: "make-up day \(m) of \(run.name) falls inside the holiday \(clash.name)")
                }
            }
        }
        var noticeText = reference.map { "\(title) \($0)" } ?? title
        if !amendments.isEmpty { noticeText += " [amended by " + amendments.joined(separator: "; ") + "]" }
        return (
            region,
            YearCalendar(
                year: year, holidays: runs.sorted { $0.first < $1.first },
                source: .official(
                    notice: noticeText, published: published,
                    file: file, version: version))
        )
    }
}
