import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

/// Entity attributes rules read (#31): the PI export certification route is only for a non-CIIO whose
/// exported PI includes no important data (个人信息出境认证办法). Not stated: classified and flagged;
/// ciio true: not classified; both false: classified, unflagged. Audited, on each backend (the
/// attribute is a column of the entity table on both, v15 / 007).
struct EntityAttributeTests {
    let config = Embedded.configuration
    let now = try! Instant(parsing: "2026-03-05T02:00:00Z")
    let rule = "cn.pi-export.certification-scope"

    func write<T: Sendable>(_ store: ObligationStore, _ body: @escaping @Sendable (Recorder) throws -> T) async throws -> T {
        try await store.transaction(config: config, now: now, actor: "test") { r in try body(r) }
    }

    func state(_ store: ObligationStore, _ entity: String) async throws -> (spans: [ClassificationRecord], audit: [AuditEntry]) {
        try await store.snapshot(config: config, now: now) { r in
            (
                try r.classifications(entity: entity, all: true).filter { $0.ruleId == rule },
                try r.auditRows(after: 0, limit: 10_000).filter { $0.subject.contains(entity) }
            )
        }
    }

    @Test(arguments: Backend.available)
    func theCertificationRouteReadsCIIOAndImportantData(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await write(store) { r in
                for id in ["acme", "clean"] { _ = try r.addEntity(id: id, name: id, zone: nil, region: nil, owner: nil, labels: [:]) }
                _ = try r.setEntityAttribute("clean", name: "ciio", value: false)
                _ = try r.setEntityAttribute("clean", name: "important_data", value: false)
                for id in ["acme", "clean"] {
                    _ = try r.reportMetric(
                        entityId: id, metric: "cross_border_pi_individuals_ytd", value: 150_000,
                        at: .day(try CivilDate(parsing: "2026-02-02")))
                }
            }
            var acme = try await state(store, "acme")
            #expect(acme.spans.map(\.since.description) == ["2026-02-02"] && acme.spans.first?.until == nil)
            let flag = acme.audit.filter { $0.action == "classification.condition-unstated" }
            #expect(flag.count == 1 && flag.first?.note?.contains("ciio") == true && flag.first?.note?.contains("important_data") == true)
            let clean = try await state(store, "clean")
            #expect(clean.spans.count == 1 && !clean.audit.contains { $0.action == "classification.condition-unstated" })

            // A CIIO is not on the certification route: its classification goes, audited.
            let set = try await write(store) { r in try r.setEntityAttribute("acme", name: "ciio", value: true) }
            #expect(set.entity.attributes.values == ["ciio": "true"])
            acme = try await state(store, "acme")
            #expect(acme.spans.isEmpty)
            #expect(acme.audit.contains { $0.action == "entity.attribute-set" && $0.note == "ciio = true" })
            #expect(acme.audit.last { $0.action == "classification.changed" }?.note?.hasPrefix("not ") == true)
            let stored = try await store.snapshot(config: config, now: now) { r in try r.entity("acme").attributes.values }
            #expect(stored == ["ciio": "true"])

            // Both stated false: classified again from the report's day.
            try await write(store) { r in
                _ = try r.setEntityAttribute("acme", name: "ciio", value: false)
                _ = try r.setEntityAttribute("acme", name: "important_data", value: false)
            }
            #expect(try await state(store, "acme").spans.map(\.since.description) == ["2026-02-02"])
        }
    }

    @Test(arguments: Backend.available)
    func anUnknownAttributeIsRefusedAndRecordsNothing(_ backend: Backend) async throws {
        try await backend.withStore { store in
            try await write(store) { r in _ = try r.addEntity(id: "acme", name: "Acme", zone: nil, region: nil, owner: nil, labels: [:]) }
            let before = try await state(store, "acme").audit.count
            do {
                _ = try await write(store) { r in try r.setEntityAttribute("acme", name: "cii0", value: true) }
                Issue.record("an unknown attribute was set")
            } catch let StoreError.invalid(field, problem, fix) {
                #expect(field == "attribute" && problem.contains("cii0") && fix.contains("ciio") && fix.contains("important_data"))
            }
            #expect(try await state(store, "acme").audit.count == before)
            #expect(try await store.snapshot(config: config, now: now) { r in try r.entity("acme").attributes.values }.isEmpty)
        }
    }
}
