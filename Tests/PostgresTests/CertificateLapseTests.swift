import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

/// A PI export certificate suspended or revoked by the certification body (个人信息出境认证办法:
/// 暂停其使用直至撤销): its renewal obligation lapses, neither done nor waived, audited with the event
/// as reason and notified; lifting the suspension reopens it; a revoked one stays lapsed. On each
/// backend, since the status is a constraint of the obligation table on both (v15 / 007).
struct CertificateLapseTests {
    let config = Embedded.configuration
    let now = try! Instant(parsing: "2026-03-05T02:00:00Z")
    let renewal = "cn.pi-export.certificate-renewal"

    func day(_ s: String) throws -> Start { .day(try CivilDate(parsing: s)) }

    func event(
        _ store: ObligationStore, _ kind: String, at: String, ref: String?, _ attributes: [String: String] = [:]
    ) async throws -> Recorder.Outcome {
        try await store.transaction(config: config, now: now, actor: "test") { r in
            try r.addEvent(entityId: "acme", kind: kind, at: try day(at), ref: ref, attributes: attributes)
        }
    }

    func obligation(_ store: ObligationStore, _ id: Int64) async throws -> Obligation {
        try await store.snapshot(config: config, now: now) { r in try r.obligation(id) }
    }

    /// Issues certificate `ref` (expires 2028-12-31) to a new entity and gives its renewal obligation.
    func issued(_ store: ObligationStore, ref: String = "PIC-2025-001") async throws -> Obligation {
        try await store.transaction(config: config, now: now, actor: "test") { r in
            _ = try r.addEntity(id: "acme", name: "Acme", zone: nil, region: nil, owner: nil, labels: [:])
        }
        let issued = try await event(store, "pi_export_certificate_issued", at: "2025-12-31", ref: ref, ["expires": "2028-12-31"])
        return try #require(issued.opened.first { $0.ruleId == renewal })
    }

    @Test(arguments: Backend.available)
    func aSuspensionLapsesTheRenewalAndLiftingItReopensIt(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let o = try await issued(store)
            let suspended = try await event(store, "pi_export_certificate_suspended", at: "2026-03-02", ref: "PIC-2025-001")
            #expect(suspended.lapsed.map(\.id) == [o.id] && suspended.opened.isEmpty)
            let lapsed = try await obligation(store, o.id!)
            #expect(lapsed.status == .lapsed && lapsed.closedOn?.description == "2026-03-02" && lapsed.nextReminderAt == nil)
            #expect(lapsed.closedNote?.contains("pi_export_certificate_suspended #\(suspended.factId)") == true, "\(lapsed)")
            let (history, open, listed) = try await store.snapshot(config: config, now: now) { r in
                (
                    try r.history(of: o.id!), try r.obligations(matching: .init(entity: "acme", status: .open)),
                    try r.obligations(matching: .init(entity: "acme", status: .lapsed))
                )
            }
            let audit = try #require(history.last { $0.action == "obligation.lapsed" })
            #expect(audit.note?.contains("event pi_export_certificate_suspended #\(suspended.factId)") == true)
            #expect(open.isEmpty && listed.map(\.id) == [o.id])
            let notices = try await store.listOutbox().filter { $0.obligationId == o.id }.map(\.kind)
            #expect(notices.contains(NotificationKind.lapsed.rawValue), "\(notices)")

            // Suspended twice under the certificate's ref: each is its own event, nothing more lapses.
            let again = try await event(store, "pi_export_certificate_suspended", at: "2026-03-03", ref: "PIC-2025-001")
            #expect(!again.duplicate && again.lapsed.isEmpty)

            let lifted = try await event(store, "pi_export_certificate_reinstated", at: "2026-03-04", ref: "PIC-2025-001")
            #expect(lifted.reinstated.map(\.id) == [o.id])
            let reopened = try await obligation(store, o.id!)
            #expect(reopened.status == .open && reopened.closedOn == nil && reopened.due == o.due && reopened.nextReminderAt != nil)
            let last = try await store.snapshot(config: config, now: now) { r in try r.history(of: o.id!).last }
            #expect(last?.action == "obligation.reopened" && last?.note?.contains("pi_export_certificate_reinstated") == true)
        }
    }

    @Test(arguments: Backend.available)
    func aRevokedCertificateStaysLapsedAndCannotBeReinstated(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let o = try await issued(store)
            let revoked = try await event(store, "pi_export_certificate_revoked", at: "2026-03-02", ref: "PIC-2025-001")
            #expect(revoked.lapsed.map(\.id) == [o.id])
            let events = {
                try await store.snapshot(config: config, now: now) { r in
                    try r.events(entity: "acme", kind: nil, includeRetracted: true, limit: 10).count
                }
            }
            let before = try await events()
            await #expect(throws: StoreError.self) {
                try await event(store, "pi_export_certificate_reinstated", at: "2026-03-04", ref: "PIC-2025-001")
            }
            await #expect(throws: StoreError.self) {
                try await event(store, "pi_export_certificate_suspended", at: "2026-03-04", ref: "PIC-2025-001")
            }
            #expect(try await events() == before)
            #expect(try await obligation(store, o.id!).status == .lapsed)
            // Done and waive are a person's word on an open obligation; a lapsed one is neither.
            await #expect(throws: StoreError.self) {
                try await store.transaction(config: config, now: now, actor: "test") { r in
                    try r.close(o.id!, as: .done, on: nil, note: nil)
                }
            }
        }
    }

    /// Bad input is refused naming the field, and records nothing: no ref, a ref no certificate has,
    /// a reinstatement of a certificate never suspended.
    @Test(arguments: Backend.available)
    func aLapseThatCannotApplyIsRefusedAndRecordsNothing(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let o = try await issued(store)
            for (kind, ref, field) in [
                ("pi_export_certificate_suspended", nil, "ref"), ("pi_export_certificate_revoked", "PIC-OTHER", "ref"),
                ("pi_export_certificate_reinstated", "PIC-2025-001", "kind")
            ] as [(String, String?, String)] {
                do {
                    _ = try await event(store, kind, at: "2026-03-02", ref: ref)
                    Issue.record("\(kind) \(ref ?? "-") was recorded")
                } catch let StoreError.invalid(f, problem, fix) {
                    #expect(f == field && !problem.isEmpty && !fix.isEmpty, "\(f): \(problem)")
                }
            }
            let events = try await store.snapshot(config: config, now: now) { r in
                try r.events(entity: "acme", kind: nil, includeRetracted: true, limit: 10)
            }
            #expect(events.map(\.kind) == ["pi_export_certificate_issued"])
            #expect(try await obligation(store, o.id!).status == .open)
        }
    }

    /// Retracting the suspension takes its effect back: the renewal reopens, audited.
    @Test(arguments: Backend.available)
    func retractingTheSuspensionReopensTheRenewal(_ backend: Backend) async throws {
        try await backend.withStore { store in
            let o = try await issued(store)
            let suspended = try await event(store, "pi_export_certificate_suspended", at: "2026-03-02", ref: "PIC-2025-001")
            #expect(try await obligation(store, o.id!).status == .lapsed)
            let retracted = try await store.transaction(config: config, now: now, actor: "test") { r in
                try r.retract(.event(suspended.factId), reason: "recorded for the wrong certificate")
            }
            #expect(retracted.reinstated.map(\.id) == [o.id])
            #expect(try await obligation(store, o.id!).status == .open)
        }
    }
}
