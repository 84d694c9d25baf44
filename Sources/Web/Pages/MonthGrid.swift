import DeadlineKit

/// The months a period runs through, drawn as calendar grids: the working days it counted, the rest
/// days it skipped, the make-up days it worked, its start and its due day. Why drawn: "30 working
/// days" across Spring Festival is easier to check by eye than by a list of holiday runs.
enum MonthGrid {
    /// At most this many months are drawn (a year's period is explained in words).
    static let maxMonths = 14

    /// The grids from the month of `start` through the month of `due` (either order), as template
    /// values; empty when the calendar does not cover them or they are too many.
    /// `countsWorkingDays`: the period is in working days, so the working days between are what it
    /// counted (a month period only lands on its day and rolls).
    static func months(
        from start: CivilDate, to due: CivilDate, calendar: WorkingCalendar?, countsWorkingDays: Bool, language: WebLanguage
    ) -> [[String: Any]] {
        guard let calendar else { return [] }
        let first = min(start, due), last = max(start, due)
        return grids(first: first, last: last, calendar: calendar, language: language) { d in
            cell(d, start: start, due: due, first: first, last: last, calendar: calendar, counts: countsWorkingDays)
        }
    }

    /// The twelve months of `year` as `calendar` has them: its holidays (named), its make-up working
    /// days and its plain days, for the calendar page; empty when the calendar does not cover the year.
    static func year(_ year: Int, calendar: WorkingCalendar, language: WebLanguage) -> [[String: Any]] {
        let first = CivilDate(year: year, month: 1, day: 1)!, last = CivilDate(year: year, month: 12, day: 31)!
        return grids(first: first, last: last, calendar: calendar, language: language) { d in
            let working = (try? calendar.isWorkingDay(d)) ?? !d.isWeekend
            if !working, let run = calendar.holiday(on: d) {
                return ["day": String(d.day), "kind": "g-rest g-holiday", "title": run.localName ?? run.name]
            }
            if !working { return ["day": String(d.day), "kind": "g-rest", "title": ""] }
            if d.isWeekend {
                return ["day": String(d.day), "kind": "g-makeup", "title": calendar.makeUpHoliday(on: d)?.name ?? ""]
            }
            return ["day": String(d.day), "kind": "g-plain", "title": ""]
        }
    }

    /// The month grids from the month of `first` through the month of `last`, each day drawn by `cell`.
    private static func grids(
        first: CivilDate, last: CivilDate, calendar: WorkingCalendar, language: WebLanguage,
        cell: (CivilDate) -> [String: Any]
    ) -> [[String: Any]] {
        let count = (last.year - first.year) * 12 + last.month - first.month + 1
        guard count <= maxMonths, calendar.contains(CivilDate(year: first.year, month: first.month, day: 1)!),
            calendar.contains(CivilDate(year: last.year, month: last.month, day: 1)!.adding(months: 1).adding(days: -1))
        else { return [] }
        let weekdays = language.phrases["weekdays"]?.split(separator: " ").map(String.init) ?? []
        var out: [[String: Any]] = []
        for m in 0..<count {
            let day1 = CivilDate(year: first.year, month: first.month, day: 1)!.adding(months: m)
            let end = day1.adding(months: 1).adding(days: -1)
            var weeks: [[String: Any]] = []
            var week: [[String: Any]] = Array(repeating: ["day": "", "kind": "g-pad", "title": ""], count: day1.isoWeekday - 1)
            var d = day1
            while d <= end {
                week.append(cell(d))
                if week.count == 7 {
                    weeks.append(["days": week])
                    week = []
                }
                d = d.adding(days: 1)
            }
            if !week.isEmpty {
                weeks.append(["days": week + Array(repeating: ["day": "", "kind": "g-pad", "title": ""], count: 7 - week.count)])
            }
            out.append(["name": "\(day1.year)-\(day1.month < 10 ? "0" : "")\(day1.month)", "weekdays": weekdays, "weeks": weeks])
        }
        return out
    }

    private static func cell(
        _ d: CivilDate, start: CivilDate, due: CivilDate, first: CivilDate, last: CivilDate, calendar: WorkingCalendar,
        counts: Bool
    ) -> [String: Any] {
        let working = (try? calendar.isWorkingDay(d)) ?? !d.isWeekend
        var kind: String
        var title = ""
        if d == due {
            kind = "g-due"
        } else if d == start {
            kind = "g-start"
        } else if !working {
            kind = "g-rest"
            title = calendar.holiday(on: d)?.name ?? ""
        } else if d.isWeekend {
            kind = "g-makeup"
            title = calendar.makeUpHoliday(on: d)?.name ?? ""
        } else {
            kind = counts && d > first && d < last ? "g-counted" : "g-plain"
        }
        if kind == "g-makeup", !(d > first && d < last) { kind = "g-plain g-makeup" }
        return ["day": String(d.day), "kind": kind, "title": title]
    }
}
