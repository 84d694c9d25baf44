import APIModel
import Hummingbird
import Store

/// The query parameters each route of the API takes: the same lists as openapi.yaml (OpenAPITests
/// checks both ways). A parameter a route does not take is refused by name, not ignored: a
/// misspelled filter (`?statsu=done`, `?entitiy=acme`) answered with the default list, every open
/// obligation of every entity, which looks like an answer to the question asked.
enum QueryParameters {
    /// "METHOD /v1/path/{param}" to the names its query may hold; a route of the API absent here
    /// takes none. Routes outside /v1 (`/metrics`, feeds) are not checked: scrapers and calendar
    /// clients add parameters of their own.
    static let taken: [String: Set<String>] = [
        "GET /v1/metrics": ["entity", "metric"],
        "GET /v1/events": ["entity", "kind", "all", "limit"],
        "GET /v1/classifications": ["entity", "all"],
        "GET /v1/retention": ["entity"],
        "GET /v1/obligations": ["entity", "status", "dueBefore", "limit"],
        "GET /v1/obligations/{id}": ["explain"],
        "GET /v1/audit": ["after", "limit"],
        "GET /v1/reports": ["entity", "from", "to", "format", "lang"],
        "GET /v1/calendar.ics": ["entity"],
        "POST /v1/calendar/preview": ["limit"],
        "GET /v1/outbox": ["status", "digest", "limit"]
    ]

    /// The 400 for a parameter of `request` given twice, or the first one that `route`
    /// ("GET /v1/obligations") does not take, in order of the query; nil when it takes them all.
    static func refusal(_ request: Request, route: String) -> Response? {
        guard route.split(separator: " ").last?.hasPrefix("/v1/") == true else { return nil }
        let names = taken[route] ?? []
        var seen: Set<Substring> = []
        for (name, _) in request.uri.queryParameters where !seen.insert(name).inserted {
            // As a repeated key in a body: which one would win is not the caller's to guess.
            return APIError.json(
                .badRequest,
                APIErrorBody(error: "query parameter '\(name)' is given twice", field: String(name), fix: "give it once"))
        }
        for (name, _) in request.uri.queryParameters where !names.contains(String(name)) {
            let fix =
                names.isEmpty
                ? "\(route) takes no query parameters; remove it"
                : "remove it or correct its name; \(route) takes \(names.sorted().joined(separator: ", "))"
            return APIError.json(
                .badRequest, APIErrorBody(error: "unknown query parameter '\(name)'", field: String(name), fix: fix))
        }
        return nil
    }
}
