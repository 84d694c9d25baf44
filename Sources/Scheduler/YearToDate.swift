import DeadlineKit
import Rules
import Store

extension ObligationStore {
    /// Ends the classifications of year-to-date metrics (`resets: yearly`) still holding from a year
    /// that has ended in their entity's zone with no report since (a count since 1 January starts
    /// from zero), audited as `classification.changed`, 500 subjects per transaction so the writer
    /// is never held long. Returns how many (entity, metric) subjects were re-derived. The scheduler
    /// calls it when a year ends while obligd runs; the start and reload pass calls it too.
    package func endYearToDateSpans(config: Rules.Configuration, now: Instant, actor: String) async throws -> Int {
        let subjects = try await snapshot(config: config, now: now) { r in try r.yearlySpansPastTheirYear() }
        for start in stride(from: 0, to: subjects.count, by: 500) {
            let batch = Array(subjects[start..<min(start + 500, subjects.count)])
            _ = try await transaction(config: config, now: now, actor: actor) { r in try r.reclassify(batch) }
        }
        return subjects.count
    }
}
