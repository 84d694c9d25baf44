import Daemon
import DeadlineKit
import Foundation
import Store
import Telemetry
import TestSupport
import Testing

/// `GET /metrics` (#17, part 1) in process: the scrape-time gauges match what the store holds, the
/// counters show what was recorded, and Prometheus's own linter accepts the exposition.
@Suite struct MetricsTests {
    /// The value of the sample `series` (name and labels exactly as exposed), nil when absent.
    static func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func gaugesCountObligationsReceiversAndCalendars() async throws {
        let api = try API()
        let queues = [
            ReceiverQueue(receiver: "ding", pending: 3, oldestPendingAt: (API.now.secondsSinceEpoch - 90) * 1000),
            ReceiverQueue(receiver: "slack", failingSince: API.now.secondsSinceEpoch * 1000 - 5000, lastError: "HTTP 503")
        ]
        let events = EventMetrics()
        events.remindersFired(total: 3, late: 1)
        events.delivery(receiver: "ding", result: "delivered", reminderLatency: .milliseconds(40))
        events.delivery(receiver: "slack", result: "retry")
        try await api.test(receivers: queues, metrics: events) { c in
            try await c.entity("acme")
            _ = try await c.fact("/v1/metrics", RouterTests.facial(100_000, at: "2025-05-01"))
            // Due 2025-02-01: overdue on 2025-06-15.
            let late = try await c.post("/v1/obligations", #"{"entity": "acme", "title": "late", "start": "2025-01-01", "period": "+1mo"}"#)
            try #require(late.status == 201, "\(late)")
            let r = try await c.get("/metrics")
            #expect(r.status == 200, "\(r)")
            let text = String(decoding: r.body, as: UTF8.self)
            let value = { (series: String) in Self.sample(text, series) }
            #expect(value(#"obligd_obligations{rule="cn.facial-recognition.filing",status="open"}"#) == 1, "\(text)")
            #expect(value(#"obligd_obligations_overdue{rule="cn.facial-recognition.filing"}"#) == 0)
            #expect(value(#"obligd_obligations{rule="",status="open"}"#) == 1)
            #expect(value(#"obligd_obligations_overdue{rule=""}"#) == 1)
            // A deadline rule with nothing open still has its zero series.
            #expect(value(#"obligd_obligations{rule="cn.pipo.report",status="open"}"#) == 0)
            let facial = try await c.obligations().first { $0.rule == "cn.facial-recognition.filing" }
            let due = try Instant(parsing: try #require(facial?.dueInstant))
            #expect(value("obligd_next_due_timestamp_seconds") == Double(due.secondsSinceEpoch))
            #expect(value(#"obligd_outbox_pending{receiver="ding"}"#) == 3)
            #expect(value(#"obligd_outbox_oldest_pending_age_seconds{receiver="ding"}"#) == 90)
            #expect(value(#"obligd_receiver_state{receiver="slack",state="failing"}"#) == 1)
            #expect(value(#"obligd_receiver_state{receiver="slack",state="ok"}"#) == 0)
            #expect(value(#"obligd_receiver_state{receiver="ding",state="ok"}"#) == 1)
            #expect(value(#"obligd_calendar_official_until_year{region="cn"}"#) == 2026)
            #expect(value(#"obligd_build_info{version="\#(APIServer.version)"}"#) == 1)
            #expect(value(#"obligd_reminders_fired_total{late="true"}"#) == 1)
            #expect(value(#"obligd_reminders_fired_total{late="false"}"#) == 2)
            #expect(value(#"obligd_deliveries_total{receiver="ding",result="delivered"}"#) == 1)
            #expect(value(#"obligd_deliveries_total{receiver="slack",result="retry"}"#) == 1)
            #expect(value(#"obligd_reminder_delivery_latency_seconds_bucket{receiver="ding",le="0.05"}"#) == 1)
            #expect(value(#"obligd_reminder_delivery_latency_seconds_bucket{receiver="ding",le="0.025"}"#) == nil)
            #expect(value(#"obligd_reminder_delivery_latency_seconds_count{receiver="ding"}"#) == 1)
            try Self.lint(text)
        }
    }

    /// The shipped alerting rules pass promtool's check and their unit tests, and name only
    /// families obligd exposes (a renamed metric would silently never alert).
    @Test func shippedAlertRulesPassPromtoolAndUseExposedMetrics() async throws {
        let dir = repositoryRoot().appendingPathComponent("contrib/prometheus").path
        let check = try runProcess(try promtool(), ["check", "rules", dir + "/obligd-rules.yml"], timeout: .seconds(30))
        #expect(check.status == 0, "\(check)")
        let unit = try runProcess(
            try promtool(), ["test", "rules"] + ["test", "calendar.test"].map { "\(dir)/obligd-rules.\($0).yml" }, timeout: .seconds(60))
        #expect(unit.status == 0, "\(unit)")
        let rules = try String(contentsOfFile: dir + "/obligd-rules.yml", encoding: .utf8)
        let used = Set(rules.matches(of: /obligd_[a-z_]+/).map { String($0.output) })
        let api = try API()
        try await api.test(receivers: [ReceiverQueue(receiver: "ding")]) { c in
            let text = String(decoding: try await c.get("/metrics").body, as: UTF8.self)
            let exposed = Set(text.matches(of: /# TYPE (obligd_[a-z_]+)/).map { String($0.output.1) })
            #expect(!used.isEmpty && used.isSubset(of: exposed), "not exposed: \(used.subtracting(exposed))")
        }
    }

    /// `promtool check metrics`: Prometheus's linter (HELP and TYPE lines, names, units, counters
    /// ending in _total). Debian's `prometheus` package has it (scripts/install-deps --test unpacks it).
    static func lint(_ exposition: String) throws {
        let check = try runProcess(try promtool(), ["check", "metrics"], stdin: exposition, timeout: .seconds(30))
        #expect(check.status == 0, "promtool check metrics: \(check)")
    }
}
