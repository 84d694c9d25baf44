import APIModel
import DeadlineKit
import Foundation
import Hummingbird
import Rules
import Scheduler
import Store

/// `POST /v1/calendar/preview`: the open obligations a calendar file would move, computed under the
/// configuration in force with that file in place, on a snapshot. Nothing is written and nothing is
/// loaded; a POST because it carries the file (so, like every POST, for writers only).
extension APIServer {
    func addCalendarPreviewRoute(to router: Router<BasicRequestContext>) {
        router.post("/v1/calendar/preview") { req, _ in
            await self.handle {
                let limit = try queryNumber(req.uri.queryParameters, "limit", in: 1...10_000, fallback: 1000, example: "100")
                let data = Data(try await req.body.collect(upTo: 1 << 20).readableBytesView)
                guard !data.isEmpty else {
                    throw StoreError.invalid(
                        field: "body", problem: "no calendar file", fix: "send a calendar file (calendars/cn/YEAR.json) as the body")
                }
                try StrictJSON.check(data)
                return try await self.preview(data, limit: limit)
            }
        }
    }

    /// Runs what a reload would recompute (`Recomputation`: the obligations decided by a calendar year
    /// whose fingerprint changes) under the candidate configuration, in batches of read-only snapshots.
    func preview(_ data: Data, limit: Int) async throws -> CalendarPreview {
        let current = config.configuration
        let fix = "send a calendar file as obligctl calendar import-notice writes it; obligd would refuse this one on reload"
        let parsed: (region: String, year: YearCalendar)
        let candidate: Configuration
        do {
            parsed = try CalendarFile.parse(data, file: "the calendar file sent")
            let path = "calendars/\(parsed.region)/\(parsed.year.year).json"
            // Under the name of the file it would replace, so that the same file again changes no fingerprint.
            candidate = try current.replacing(path, with: data, origin: current.sources[path] ?? "\(path) (previewed)")
        } catch {
            throw StoreError.invalid(field: "body", problem: "\(error)", fix: fix)
        }
        let y = parsed.year.year
        var result = CalendarPreview(
            current: current.calendars[parsed.region]?.year(y)?.sourceDescription ?? "\(y): no calendar",
            candidate: try candidate.calendar(parsed.region).year(y)?.sourceDescription ?? "", configDirectory: config.directory)
        let before = Recomputation.fingerprints(of: current)
        let after = Recomputation.fingerprints(of: candidate)
        let years = after.keys.filter { $0.hasPrefix("calendar:") && before[$0] != after[$0] }.map {
            String($0.dropFirst("calendar:".count))
        }
        guard !years.isEmpty else { return result }
        var cursor: Int64 = 0
        while true {
            let from = cursor, keep = limit - result.moves.count
            let (batch, moves) = try await store.snapshot(config: candidate, now: clock()) { r in
                let p = try r.previewRecompute(afterId: from, years: years.sorted(), keep: keep)
                let moves = p.moves.map { m in
                    CalendarPreviewMove(
                        id: m.obligation.id ?? 0, entity: m.obligation.entityId, rule: m.obligation.ruleId, title: m.obligation.title,
                        from: m.obligation.due.description, to: m.due.description, provisional: m.provisional)
                }
                return (p, moves)
            }
            if batch.examined == 0 { return result }
            result.examined += batch.examined
            result.moved += batch.moved
            result.confirmed += batch.confirmed
            result.moves += moves
            cursor = batch.lastId
        }
    }
}
