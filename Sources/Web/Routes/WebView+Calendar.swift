import DeadlineKit
import Hummingbird
import Rules

/// The calendar page: one year of one region's working-day calendar, as obligd counts it: each
/// holiday run with its make-up working days, the notice (or estimate) that set them and the file and
/// version obligd read, and the twelve months drawn. An officer checks a deadline's rest days here
/// against the State Council notice without a shell.
extension WebView {
    func calendarPage(_ req: Request) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let identity = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        let t = language.phrases
        let config = env.configuration()
        let regions = config.calendars.keys.sorted()
        let q = req.uri.queryParameters
        let region = q["region"].map(String.init) ?? (regions.contains("cn") ? "cn" : regions.first ?? "")
        let thisYear = Zone.shanghai.day(of: env.now()).year
        guard let calendar = config.calendars[region] else {
            return Page.message(
                "404", "\(t["noCalendar"] ?? "") \(region) (\(regions.joined(separator: ", ")))", language: language,
                status: .notFound, who: who(identity, language))
        }
        let year = q["year"].flatMap { Int($0) } ?? min(max(thisYear, calendar.years.lowerBound), calendar.years.upperBound)
        guard let yc = calendar.year(year) else {
            return Page.message(
                "404", "\(t["noCalendar"] ?? "") \(region) \(year) (\(calendar.years.lowerBound)–\(calendar.years.upperBound))",
                language: language, status: .notFound, who: who(identity, language))
        }
        let link = { (r: String, y: Int) in "/calendar?lang=\(language.rawValue)&region=\(Self.percent(r))&year=\(y)" }
        var source: [String: Any] = [:]
        switch yc.source {
        case let .official(notice, published, file, version):
            source = ["official": true, "notice": notice, "published": published?.description ?? "", "file": file, "version": version]
        case let .estimated(method):
            source = ["official": false, "method": method]
        }
        var values: [String: Any] = [
            "pageTitle": "\(t["calendar"] ?? "") \(region) \(year)", "who": who(identity, language), "region": region, "year": year,
            "source": source,
            "regions": regions.map { ["label": $0, "href": link($0, year), "selected": $0 == region] },
            "holidays": yc.holidays.map { run -> [String: Any] in
                [
                    "name": language == .zhCN ? run.localName ?? run.name : run.name, "first": run.first.description,
                    "last": run.last.description, "days": run.dayCount,
                    "makeUp": run.makeUpDays.map { "\($0) (\(Wording.weekday($0, language: language)))" }.joined(separator: ", ")
                ]
            },
            "months": MonthGrid.year(year, calendar: calendar, language: language)
        ]
        if calendar.years.contains(year - 1) { values["previous"] = ["href": link(region, year - 1), "year": year - 1] }
        if calendar.years.contains(year + 1) { values["nextYear"] = ["href": link(region, year + 1), "year": year + 1] }
        return Page.render("calendar", values, language: language)
    }
}
