import APIModel
import Foundation
import TestSupport

extension DaemonProcess {
    /// The daemon's audit trail, oldest first, as `GET /v1/audit` exports it (`obligctl audit export`).
    /// Why through the API: the tests see what an operator sees, on either backend, and no test but
    /// Store's knows the audit table's columns.
    func auditTrail() async throws -> [AuditRecord] {
        var all: [AuditRecord] = []
        while true {
            let page = try await decoded([AuditRecord].self, "/v1/audit?after=\(all.last?.id ?? 0)&limit=5000")
            if page.isEmpty { return all }
            all += page
        }
    }

    /// The audit rows of `action`, oldest first.
    func audit(_ action: String) async throws -> [AuditRecord] {
        try await auditTrail().filter { $0.action == action }
    }

    /// Every outbox row, newest first, as `obligctl outbox list --status all` lists it.
    func outbox() async throws -> [OutboxView] {
        try await decoded([OutboxView].self, "/v1/outbox?status=all&limit=10000")
    }

    /// The reports of `metric` for `entity`, as `GET /v1/metrics` lists them (`obligctl metric history`).
    func metricReports(entity: String, metric: String) async throws -> [MetricReportView] {
        try await decoded([MetricReportView].self, "/v1/metrics?entity=\(entity)&metric=\(metric)")
    }

    /// A GET over the socket whose JSON body is a `T`; any other answer is an error naming it.
    private func decoded<T: Decodable>(_ type: T.Type, _ path: String) async throws -> T {
        let (status, body) = try await text(path)
        guard status == 200 else { throw TestFailure("GET \(path): \(status) \(body)") }
        return try JSONDecoder().decode(T.self, from: Data(body.utf8))
    }
}
