import DeadlineKit
import Foundation

/// Reads one official calendar file (`calendars/<region>/<year>.json`) and checks it against the shape
/// of a State Council notice: runs inside the year, no overlaps, make-up days on weekends only.
package enum CalendarFile {
    package static func parse(_ data: Data, file: String) throws(ConfigError) -> (region: String, year: YearCalendar) {
        let root = try JSONObject.parse(data, file: file)
        try root.onlyKeys(["region", "year", "version", "notice", "holidays"])
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

        var runs: [HolidayRun] = []
        var seenMakeUp: [CivilDate: String] = [:]
        for h in try root.objects("holidays") {
            try h.onlyKeys(["name", "localName", "from", "to", "makeUpDays"])
            let name = try h.string("name")
            let from = try h.date("from"), to = try h.date("to")
            guard from.year == year else { throw h.error("from", "\(from) is not in \(year); a file holds one year") }
            guard to.year == year else { throw h.error("to", "\(to) is not in \(year); a file holds one year") }
            guard from <= to else { throw h.error("to", "\(to) is before 'from' \(from)") }
            let makeUps = try h.dates("makeUpDays", required: false)
            for (i, m) in makeUps.enumerated() {
                let key = "makeUpDays[\(i)]"
                guard m.year == year else { throw h.error(key, "\(m) is not in \(year); a file holds one year") }
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
        let noticeText = reference.map { "\(title) \($0)" } ?? title
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
