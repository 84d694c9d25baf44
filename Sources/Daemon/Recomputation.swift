import DeadlineKit
import Foundation
import Logging
import Rules
import Store

/// Recomputes every open obligation after a reload, in batches of short transactions so the API
/// stays responsive.
struct Recomputation {
    let store: ObligationStore
    let logger: Logger

    /// The calendar years ("cn/2027") whose days or source differ between two configurations: only
    /// obligations decided by one of them can move.
    static func changedYears(from old: Rules.Configuration, to new: Rules.Configuration) -> [String] {
        var changed: [String] = []
        for (region, calendar) in new.calendars {
            for y in calendar.yearCalendars where old.calendars[region]?.year(y.year) != y {
                changed.append("\(region)/\(y.year)")
            }
        }
        return changed.sorted()
    }

    func run(config: Rules.Configuration, previous: Rules.Configuration?, now: Instant) async throws -> (examined: Int, moved: Int, confirmed: Int) {
        let years = previous.map { Self.changedYears(from: $0, to: config) }
        if let years, years.isEmpty {
            logger.notice("no calendar year changed; open obligations keep their due days")
            return (0, 0, 0)
        }
        var after: Int64 = 0
        var total = (examined: 0, moved: 0, confirmed: 0)
        while true {
            let cursor = after
            let r = try await store.write { db in
                try Recorder(db: db, config: config, now: now, actor: "reload").recompute(afterId: cursor, years: years)
            }
            total.examined += r.examined
            total.moved += r.moved
            total.confirmed += r.confirmed
            if r.examined == 0 { break }
            after = r.lastId
        }
        logger.notice("recomputed open obligations", metadata: ["examined": "\(total.examined)", "moved": "\(total.moved)", "confirmed": "\(total.confirmed)"])
        return total
    }
}
