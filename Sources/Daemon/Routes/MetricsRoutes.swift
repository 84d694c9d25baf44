import APIModel
import DeadlineKit
import Hummingbird
import NIOCore
import Prometheus
import Rules
import Store
import Telemetry

/// `GET /metrics`: the Prometheus text exposition. State the store can tell (obligations by rule and
/// status, receivers' queues, the calendars' reach) is gauged at scrape time in a fresh registry, so a
/// rule or receiver that is gone leaves no stale series; what obligd counts as it happens
/// (`EventMetrics`) follows.
extension APIServer {
    func addMetricsRoute(to router: Router<BasicRequestContext>) {
        router.get("/metrics") { _, _ in await self.metricsResponse() }
    }

    /// The exposition as a response (on the socket and the TCP listener).
    func metricsResponse() async -> Response {
        do {
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: try await self.exposition())))
        } catch {
            return APIError.response(for: error)
        }
    }

    /// The exposition, as bytes.
    func exposition() async throws -> [UInt8] {
        let now = clock()
        let config = self.config.configuration
        let (counts, next, latest) = try await snapshot { r in
            (try r.obligationCounts(), try r.nextOpenDue(), try r.latestOpenDue())
        }
        let queues = try await receivers()
        let gauges = PrometheusCollectorRegistry()
        let gauge = { (name: String, help: String, labels: [(String, String)], value: Double) in
            let d = EventMetrics.name(name, "", help)
            (labels.isEmpty ? gauges.makeGauge(descriptor: d) : gauges.makeGauge(descriptor: d, labels: labels)).set(to: value)
        }
        gauge("build_info", "obligd's version (always 1)", [("version", Self.version)], 1)
        let obligations = "Obligations by rule (\"\" for custom obligations) and status: open, done, waived, lapsed"
        let overdue = "Open obligations past their due instant, by rule"
        // Every deadline rule has an open and an overdue series, zero included: an alert on growth
        // then starts from zero instead of from nothing.
        var seen = Set<String>()
        for c in counts {
            gauge("obligations", obligations, [("rule", c.rule), ("status", c.status.rawValue)], Double(c.count))
            if c.status == .open {
                gauge("obligations_overdue", overdue, [("rule", c.rule)], Double(c.overdue))
                seen.insert(c.rule)
            }
        }
        for rule in config.rules where rule.kind == .deadline && !seen.contains(rule.id) {
            gauge("obligations", obligations, [("rule", rule.id), ("status", "open")], 0)
            gauge("obligations_overdue", overdue, [("rule", rule.id)], 0)
        }
        if let next {
            gauge("next_due_timestamp_seconds", "When the next open obligation falls due (Unix time)", [], Double(next))
        }
        for q in queues {
            let r = [("receiver", q.receiver)]
            gauge("outbox_pending", "Messages waiting to be delivered to a receiver", r, Double(q.pending))
            let age = q.oldestPendingAt.map { max(0, now.secondsSinceEpoch * 1000 - $0) / 1000 } ?? 0
            gauge("outbox_oldest_pending_age_seconds", "Age of a receiver's oldest waiting message (0 when none waits)", r, Double(age))
            gauge("outbox_dead", "Messages given up for a receiver that nobody has retried or dropped", r, Double(q.dead))
            for state in ReceiverState.allCases {
                gauge(
                    "receiver_state", "A receiver's state: 1 for the state it is in (ok, failing, paused, dead-letters, unconfigured)",
                    r + [("state", state.rawValue)], q.state == state ? 1 : 0)
            }
        }
        addCalendarGauges(config: config, now: now, latestOpenDue: latest, gauge: gauge)
        var out: [UInt8] = []
        gauges.emit(into: &out)
        metrics.registry.emit(into: &out)
        return out
    }

    /// Per region: the last year with an official calendar, and the estimated (provisional) years
    /// from this year up to the latest open deadline, which decide deadlines until the notice comes.
    private func addCalendarGauges(
        config: Rules.Configuration, now: Instant, latestOpenDue: Int64?,
        gauge: (String, String, [(String, String)], Double) -> Void
    ) {
        let thisYear = now.civilDate().year
        let lastDueYear = latestOpenDue.map { Instant(secondsSinceEpoch: $0).civilDate().year } ?? thisYear
        for (region, calendar) in config.calendars.sorted(by: { $0.key < $1.key }) {
            let official = calendar.yearCalendars.filter { if case .official = $0.source { true } else { false } }
            gauge(
                "calendar_official_until_year", "The last year with an official (published) calendar, by region",
                [("region", region)], Double(official.map(\.year).max() ?? 0))
            let provisional = calendar.yearCalendars.filter { y in
                guard case .estimated = y.source else { return false }
                return y.year >= thisYear && y.year <= max(lastDueYear, thisYear)
            }
            gauge(
                "calendar_provisional_years",
                "Estimated calendar years from this year to the latest open deadline: deadlines there are provisional",
                [("region", region)], Double(provisional.count))
        }
    }
}
