import DeadlineKit
import Rules

extension Recorder {
    /// One row of an import: a metric observation or an event, as a client sent it.
    package enum ImportRow: Sendable {
        case metric(entity: String, metric: String, value: Int64, at: Start?)
        case event(entity: String, kind: String, at: Start?, ref: String?, attributes: [String: String])
    }

    /// What an import wrote and derived.
    package struct ImportSummary: Sendable, Equatable {
        /// Rows recorded.
        package var imported = 0
        /// Rows recorded before (an import run twice): recognised, nothing written for them.
        package var duplicates = 0
        /// Obligations the import opened: its events', then its metrics' (derived once all rows are recorded).
        package var opened = 0
        /// Obligations the import moved, counted as `opened` is.
        package var moved = 0
    }

    /// Records every row, then derives each touched metric's thresholds once from its whole history
    /// (not once per row: 200,000 reports of one metric would otherwise re-read it 200,000 times).
    /// A bad row fails the whole import with its index in the error's field (`records[17].value`).
    package func importRows(_ rows: [ImportRow]) throws -> ImportSummary {
        var summary = ImportSummary()
        var touched: [String: Set<String>] = [:]
        for (i, row) in rows.enumerated() {
            try StoreError.locate("records[\(i)]", suffix: "; nothing of this import was written") {
                switch row {
                case let .metric(entity, metric, value, at):
                    let recorded = try recordObservation(entityId: entity, metric: metric, value: value, at: at, refuseChanges: true)
                    if recorded.duplicate {
                        summary.duplicates += 1
                        return
                    }
                    touched[entity, default: []].insert(metric)
                case let .event(entity, kind, at, ref, attributes):
                    let outcome = try addEvent(entityId: entity, kind: kind, at: at, ref: ref, attributes: attributes, inImport: true)
                    if outcome.duplicate {
                        summary.duplicates += 1
                        return
                    }
                    summary.opened += outcome.opened.count
                    summary.moved += outcome.moved.count
                }
                summary.imported += 1
            }
        }
        for (entity, metrics) in touched.sorted(by: { $0.key < $1.key }) {
            for metric in metrics.sorted() {
                let outcome = try evaluateMetric(entityId: entity, metric: metric)
                summary.opened += outcome.opened.count
                summary.moved += outcome.moved.count
            }
        }
        return summary
    }
}
