import DeadlineKit
import Foundation
import GRDB
import PostgresNIO
import Rules
import Store
import TestSupport
import Testing

/// Evidence (#32) on each backend: the bytes, the hash and the audit row round trip; the limits
/// refuse with nothing written; a byte changed in the database behind obligd's back makes the trail's
/// verification (what `audit verify`, `backup verify` and the audit pack state) fail naming the file.
struct EvidenceTests {
    let now = try! Instant(parsing: "2026-03-05T02:00:00Z")
    let pdf: [UInt8] = Array("%PDF-1.7 receipt 回执 ".utf8) + (0..<2000).map { UInt8($0 % 251) }

    /// A store on `backend` with one open custom obligation (id 1), and a way to run SQL on it
    /// directly (as someone with the database's password would), given to `body`.
    func withStore(
        _ backend: Backend, _ body: (ObligationStore, Int64, _ tamper: @escaping (String) async throws -> Void) async throws -> Void
    ) async throws {
        let open: @Sendable (ObligationStore, Rules.Configuration, Instant) async throws -> Int64 = { store, config, now in
            try await store.transaction(config: config, now: now, actor: "ops") { r in
                _ = try r.addEntity(id: "acme", name: "Acme", zone: nil, region: nil, owner: nil, labels: [:])
                return try r.addCustom(
                    entityId: "acme", title: "Filing", start: .day(try CivilDate(parsing: "2026-03-02")),
                    period: try Period(parsing: "+10d"),
                    roll: nil
                ).id!
            }
        }
        switch backend {
        case .sqlite:
            let store = try makeTemporaryStore()
            let id = try await open(store, Embedded.configuration, now)
            try await body(store, id) { statement in
                let db = try DatabaseQueue(path: store.path)
                try await db.write { db in try db.execute(sql: statement) }
                try db.close()
            }
        case .postgres:
            try await TestDatabase.with(migrated: false) { database in
                try await database.withStore { store in
                    let id = try await open(store, Embedded.configuration, now)
                    try await body(store, id) { statement in
                        _ = try await database.connect().query(PostgresQuery(unsafeSQL: statement), logger: database.logger)
                    }
                }
            }
        }
    }

    @Test(arguments: Backend.available)
    func evidenceRoundTripsAndAChangedByteFailsVerification(_ backend: Backend) async throws {
        let config = Embedded.configuration
        try await withStore(backend) { store, id, tamper in
            let added = try await store.transaction(config: config, now: now, actor: "li.wei") { r in
                _ = try r.close(id, as: .done, on: nil, note: nil)
                return try r.addEvidence(
                    to: id, files: [EvidenceUpload(name: "回执.pdf", mediaType: "application/pdf", content: pdf)], reference: "A-1")
            }
            // Added later to the closed obligation, and the same bytes again: one stored file, two items.
            let later = try await store.transaction(config: config, now: now, actor: "li.wei") { r in
                try r.addEvidence(
                    to: id, files: [EvidenceUpload(name: "copy.pdf", mediaType: "application/pdf", content: pdf)], reference: nil)
            }
            #expect(added.map(\.number) == [1] && later.map(\.number) == [2])
            let (listed, file, history, trail) = try await store.snapshot(config: config, now: now) { r in
                (try r.evidence(of: id), try r.evidenceFile(obligation: id, number: 1), try r.history(of: id), try r.verifyTrail())
            }
            #expect(listed.map(\.name) == ["回执.pdf", "copy.pdf"])
            #expect(file.content == pdf && file.intact && file.item.sha256 == Evidence.sha256(pdf) && file.item.size == Int64(pdf.count))
            #expect(file.item.reference == "A-1" && file.item.actor == "li.wei")
            let row = try #require(history.first { $0.id == file.item.auditId })
            #expect(row.action == Evidence.auditAction.rawValue && row.hash == file.item.auditHash)
            #expect(Evidence.AddedRecord.read(row.after)?.sha256 == Evidence.sha256(pdf))
            #expect(trail.intact && trail.evidenceItems == 2 && trail.evidenceFiles == 1 && trail.evidenceBytes == Int64(pdf.count))
            // Never replaced through SQL: the tables are append-only.
            await #expect(throws: (any Error).self) { try await tamper("DELETE FROM evidence") }
            // One byte changed behind obligd's back, after lifting the guard.
            let disable =
                backend == .sqlite
                ? "DROP TRIGGER evidenceBlob_no_update" : "ALTER TABLE evidenceBlob DISABLE TRIGGER evidenceBlob_no_change"
            try await tamper(disable)
            // "%PDF" becomes "&PDF": one byte.
            try await tamper(
                backend == .sqlite
                    ? "UPDATE evidenceBlob SET content = CAST(x'26' || substr(content, 2) AS BLOB)"
                    : "UPDATE evidenceBlob SET content = '\\x26'::bytea || substring(content from 2)")
            let changed = try await store.snapshot(config: config, now: now) { r in
                (try r.verifyTrail(), try r.evidenceFile(obligation: id, number: 1))
            }
            #expect(!changed.1.intact)
            let problem = try #require(changed.0.problem)
            #expect(problem.contains("evidence 1 of obligation \(id) (回执.pdf)") && problem.contains("changed in the database"))
        }
    }

    @Test(arguments: Backend.available)
    func theLimitsRefuseWithNothingWritten(_ backend: Backend) async throws {
        var config = Embedded.configuration
        config.evidence = EvidenceSettings(maxFileBytes: 3000, maxPerObligationBytes: 5000)
        let limited = config
        try await withStore(backend) { store, id, _ in
            let big = EvidenceUpload(name: "big.pdf", mediaType: "application/pdf", content: Array(repeating: 1, count: 3001))
            let small = EvidenceUpload(name: "small.pdf", mediaType: "application/pdf", content: Array(repeating: 2, count: 3000))
            // Too large a file at done: the close is not written either.
            await #expect(throws: StoreError.self) {
                try await store.transaction(config: limited, now: now, actor: "ops") { r in
                    _ = try r.close(id, as: .done, on: nil, note: nil)
                    try r.addEvidence(to: id, files: [big], reference: nil)
                }
            }
            do {
                _ = try await store.transaction(config: limited, now: now, actor: "ops") { r in
                    try r.addEvidence(to: id, files: [big], reference: nil)
                }
                Issue.record("the per-file limit was not applied")
            } catch let StoreError.invalid(field, problem, fix) {
                #expect(field == "evidence[0].content" && problem.contains("big.pdf") && fix.contains("evidence.maxFileBytes"))
            }
            try await store.transaction(config: limited, now: now, actor: "ops") { r in
                _ = try r.addEvidence(to: id, files: [small], reference: nil)
            }
            // 3000 held + 3000 more passes the 5000 an obligation may hold.
            do {
                _ = try await store.transaction(config: limited, now: now, actor: "ops") { r in
                    try r.addEvidence(to: id, files: [small], reference: nil)
                }
                Issue.record("the per-obligation limit was not applied")
            } catch let StoreError.invalid(field, problem, fix) {
                #expect(field == "evidence" && problem.contains("would pass") && fix.contains("maxPerObligationBytes"))
            }
            await #expect(throws: StoreError.self, "no media type") {
                try await store.transaction(config: limited, now: now, actor: "ops") { r in
                    try r.addEvidence(to: id, files: [EvidenceUpload(name: "x", mediaType: "pdf", content: [1])], reference: nil)
                }
            }
            let (o, items, audit) = try await store.snapshot(config: limited, now: now) { r in
                (try r.obligation(id), try r.evidence(of: id), try r.history(of: id).map(\.action))
            }
            #expect(o.status == .open)
            #expect(items.map(\.name) == ["small.pdf"])
            #expect(audit.filter { $0 == Evidence.auditAction.rawValue }.count == 1)
        }
    }
}
