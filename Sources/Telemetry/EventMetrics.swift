import Prometheus

/// What obligd counts as it happens: reminders fired, delivery outcomes and their latency, the time a
/// recomputation takes. State that the store can tell at any moment (open obligations, queue depths)
/// is not kept here; the daemon gauges it when `/metrics` is scraped, so it is never stale.
///
/// The families are made on swift-prometheus's registry with their HELP text, rather than through
/// the swift-metrics facade, whose factory registers every family without one: promtool's lint
/// (`promtool check metrics`) rejects an exposition without HELP, and operators read it.
package final class EventMetrics: Sendable {
    /// The registry these families live in; the daemon emits it after its scrape-time gauges.
    package let registry: PrometheusCollectorRegistry
    let onTime: Counter
    let late: Counter
    let recompute: DurationHistogram

    /// Latency buckets, seconds: a reminder is due to arrive within tens of milliseconds, a paused
    /// receiver's backlog can take hours.
    static let latencyBuckets: [Duration] = [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
        .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(300), .seconds(900), .seconds(3600),
        .seconds(21600), .seconds(86400)
    ]

    /// Registers the families on `registry`, a fresh one by default.
    package init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let fired = Self.name(
            "reminders_fired", "total",
            "Reminder stages recorded by the scheduler; late=\"true\" for those recorded over a minute after their instant "
                + "(obligd was down, or caught up after a clock jump)")
        onTime = registry.makeCounter(descriptor: fired, labels: [("late", "false")])
        late = registry.makeCounter(descriptor: fired, labels: [("late", "true")])
        recompute = registry.makeDurationHistogram(
            descriptor: Self.name(
                "recompute_duration", "seconds",
                "Time a recomputation of open obligations took (at start and on each reload)"),
            buckets: [.milliseconds(10), .milliseconds(100), .seconds(1), .seconds(10), .seconds(60), .seconds(600)])
    }

    /// A family name in obligd's namespace, e.g. `obligd_reminders_fired_total`.
    package static func name(_ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "obligd", metricName: metric, unitName: unit, helpText: help)
    }

    /// The scheduler recorded `total` reminders, `late` of them late.
    package func remindersFired(total: Int, late: Int) {
        if total > late { onTime.increment(by: Int64(total - late)) }
        if late > 0 { self.late.increment(by: Int64(late)) }
    }

    /// How a delivery attempt ended: `delivered`, `retry`, `paused` or `dead`; for a delivered
    /// reminder, how long after its instant it arrived.
    package func delivery(receiver: String, result: String, reminderLatency: Duration? = nil) {
        registry.makeCounter(
            descriptor: Self.name(
                "deliveries", "total",
                "Delivery attempts by receiver and result: delivered, retry (transient failure), paused (receiver misconfigured), "
                    + "dead (given up)"),
            labels: [("receiver", receiver), ("result", result)]
        ).increment()
        if let reminderLatency { reminderArrived(receiver: receiver, after: reminderLatency) }
    }

    /// A reminder reached `receiver` (`journal` for the journal) `latency` after its instant.
    package func reminderArrived(receiver: String, after latency: Duration) {
        registry.makeDurationHistogram(
            descriptor: Self.name(
                "reminder_delivery_latency", "seconds",
                "From a reminder stage's instant to its delivery, by receiver (journal: when it was journaled)"),
            labels: [("receiver", receiver)], buckets: Self.latencyBuckets
        ).record(max(latency, .zero))
    }

    /// A recomputation (at start or reload) took `duration`.
    package func recomputed(in duration: Duration) { recompute.record(duration) }
}
