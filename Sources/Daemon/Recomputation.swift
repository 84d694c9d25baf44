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

    func run(config: Rules.Configuration, now: Instant) async throws -> (examined: Int, moved: Int, confirmed: Int) {
        var after: Int64 = 0
        var total = (examined: 0, moved: 0, confirmed: 0)
        while true {
            let cursor = after
            let r = try await store.write { db in
                try Recorder(db: db, config: config, now: now, actor: "reload").recompute(afterId: cursor)
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
