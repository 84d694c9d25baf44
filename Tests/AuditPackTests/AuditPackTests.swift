import AuditPack
import DeadlineKit
import Foundation
import Rules
import Store
import TestSupport
import Testing

private func day(_ s: String) -> CivilDate { try! CivilDate(parsing: s) }
private func at(_ s: String) -> Instant { try! Instant(parsing: s) }

/// An audit pack of a real store (SQLite) holding an obligation done on time after it moved (with
/// evidence), one done late, one waived and one acknowledged and still open; checked against the
/// state, rendered, read back, and verified untouched and edited.
struct AuditPackTests {
    let config = Embedded.configuration
    let receipt = Array("回执 filing receipt 2025-07-30 no. 44-0192".utf8)

    /// The store and the ids of the four obligations: moved (done on time), late, waived, acknowledged.
    func scenario() async throws -> (ObligationStore, moved: Int64, late: Int64, waived: Int64, acked: Int64) {
        let store = try makeTemporaryStore()
        let moved = try await store.transaction(config: config, now: at("2025-07-02T02:00:00Z"), actor: "ops") { r in
            _ = try r.addEntity(id: "acme", name: "Acme 科技", zone: nil, region: nil, owner: "li.wei", labels: [:])
            return try r.reportMetric(
                entityId: "acme", metric: "facial_recognition_individuals", value: 120_000, at: .day(day("2025-07-01"))
            ).opened.first { $0.ruleId == "cn.facial-recognition.filing" }!.id!
        }
        // A late report shows the threshold was reached on 2025-06-20: the due day moves to 2025-08-01.
        _ = try await store.transaction(config: config, now: at("2025-07-03T02:00:00Z"), actor: "ops") { r in
            try r.reportMetric(entityId: "acme", metric: "facial_recognition_individuals", value: 100_500, at: .day(day("2025-06-20")))
        }
        let (late, waived, acked) = try await store.transaction(config: config, now: at("2025-09-03T02:00:00Z"), actor: "ops") { r in
            let custom = { (title: String) in
                try r.addCustom(
                    entityId: "acme", title: title, start: .day(day("2025-09-03")), period: try Period(parsing: "+7d"), roll: nil
                )
                .id!
            }
            return (try custom("Quarterly data report"), try custom("Cross-border filing"), try custom("Security assessment"))
        }
        try await store.transaction(config: config, now: at("2025-07-30T03:00:00Z"), actor: "li.wei") { r in
            _ = try r.close(moved, as: .done, on: day("2025-07-30"), note: "filed with the provincial CAC")
            _ = try r.addEvidence(
                to: moved, files: [EvidenceUpload(name: "回执.pdf", mediaType: "application/pdf", content: receipt)], reference: "44-0192")
        }
        try await store.transaction(config: config, now: at("2025-09-15T03:00:00Z"), actor: "li.wei") { r in
            _ = try r.close(late, as: .done, on: day("2025-09-15"), note: nil)
            _ = try r.close(waived, as: .waived, on: nil, note: "not in scope: no data leaves China")
            _ = try r.acknowledge(acked, note: "Wang Fang drafts it this week", until: nil)
        }
        return (store, moved, late, waived, acked)
    }

    func pack(_ store: ObligationStore, _ language: Language = .en) async throws -> AuditPackDocument {
        try await AuditPack.build(
            store: store, config: config, entity: "acme", from: day("2025-06-01"), to: day("2025-12-31"), now: at("2025-10-01T02:00:00Z"),
            actor: "auditor", language: language)
    }

    @Test func thePackStatesWhatTheStoreRecorded() async throws {
        let (store, moved, late, waived, acked) = try await scenario()
        let pack = try await pack(store)
        let byId = Dictionary(uniqueKeysWithValues: pack.obligations.map { ($0.id, $0) })
        let (history, trail, ledger) = try await store.snapshot(config: config, now: at("2025-10-01T02:00:00Z")) { r in
            (try r.history(ofAll: [moved, late, waived, acked]), try r.verifyTrail(), try r.ledger(ofAll: [moved]))
        }
        // The moved obligation: due 2025-08-01 after the move from 2025-08-12, done on time, with its receipt.
        let m = try #require(byId[moved])
        #expect(m.due == "2025-08-01" && m.status == "done" && m.closedOn == "2025-07-30")
        #expect(m.outcome == PackOutcome(kind: .onTime))
        #expect(m.rule?.id == "cn.facial-recognition.filing" && m.rule?.citation.isEmpty == false)
        #expect(m.calendars.contains { $0.hasPrefix("cn/2025") })
        let move = try #require(m.history.first { $0.action == "obligation.moved" })
        #expect(move.dueBefore == "2025-08-12" && move.due == "2025-08-01" && move.note?.contains("moved from 2025-08-12") == true)
        let done = try #require(m.history.first { $0.action == "obligation.done" })
        #expect(done.actor == "li.wei" && done.closedOn == "2025-07-30" && done.at == "2025-07-30T03:00:00Z")
        #expect(m.history.map(\.audit.id) == history[moved]!.map { $0.id! })
        #expect(m.history.map(\.audit.hash) == history[moved]!.map { $0.hash! })
        #expect(m.evidence.count == 1)
        #expect(m.evidence.first?.sha256 == Evidence.sha256(receipt) && m.evidence.first?.size == Int64(receipt.count))
        #expect(m.evidence.first?.reference == "44-0192" && m.evidence.first?.actor == "li.wei")
        #expect(m.reminders.count == ledger[moved]?.count ?? 0)
        // Done on Monday 2025-09-15, due Wednesday 2025-09-10: Thu, Fri, Mon are three working days late.
        let l = try #require(byId[late])
        #expect(l.due == "2025-09-10")
        #expect(l.outcome == PackOutcome(kind: .late, workingDaysLate: 3, daysLate: 5))
        let w = try #require(byId[waived])
        #expect(w.outcome.kind == .waived && w.history.last?.note == "not in scope: no data leaves China")
        // Acknowledged and still open on 2025-10-01, due 2025-09-10: overdue.
        let a = try #require(byId[acked])
        #expect(a.outcome.kind == .overdue && a.status == "open")
        let ack = try #require(a.history.first { $0.action == "obligation.acknowledged" })
        #expect(ack.actor == "li.wei" && ack.note == "Wang Fang drafts it this week")
        #expect(
            pack.totals
                == PackTotals(
                    obligations: pack.obligations.count, onTime: pack.obligations.filter { $0.outcome.kind == .onTime }.count,
                    late: 1, waived: 1, open: pack.obligations.filter { $0.outcome.kind == .open }.count,
                    overdue: pack.obligations.filter { $0.outcome.kind == .overdue }.count))
        #expect(pack.chain.intact && pack.chain.headHash == trail.headHash && pack.chain.rows == trail.rows)
        #expect(pack.chain.evidenceFiles == 1)
    }

    @Test func theHTMLPackIsSelfContainedAndCarriesItsData() async throws {
        let (store, moved, _, _, _) = try await scenario()
        for language in [Language.en, .zhCN] {
            let pack = try await pack(store, language)
            let html = String(decoding: try AuditPack.render(pack, as: .html), as: UTF8.self)
            #expect(html.hasPrefix("<!doctype html>"))
            #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("@import") && !html.contains("url("))
            // The only script element is the data, which a browser does not run.
            #expect(html.components(separatedBy: "<script").count == 2)
            #expect(html.contains("<script type=\"application/json\" id=\"obligd-audit-pack\">"))
            #expect(html.contains("@media print") && html.contains("break-before:page"))
            #expect(html.contains(Evidence.sha256(receipt)))
            #expect(html.contains(language == .zhCN ? "合规审计包" : "Audit pack"))
            // A rule's obligation is headed by the rule's title in the pack's language.
            let title = try #require(config.rule("cn.facial-recognition.filing")).wording(language).title
            #expect(html.contains("\(moved): \(title)</h2>"))
            let (back, format) = try AuditPack.read(Array(html.utf8), file: "pack.html")
            #expect(back == pack && format == .html)
            #expect(AuditPack.renderingDifference(Array(html.utf8), of: pack) == nil)
            // A title that would end the element stays inside it.
            #expect(!AuditPack.embeddedJSON(pack).contains("<"))
        }
        let json = try AuditPack.render(try await pack(store), as: .json)
        #expect(try AuditPack.read(json, file: "pack.json").pack.obligations.contains { $0.id == moved })
    }

    /// Every text a user gave is text in the HTML pack: a title and a note holding each of the five
    /// characters HTML gives meaning to are written escaped, in the section and in the embedded data.
    @Test func userTextIsEscapedInTheHTMLPack() async throws {
        let store = try makeTemporaryStore()
        let title = "<script>alert('x')</script> & \"q\""
        let id = try await store.transaction(config: config, now: at("2025-09-03T02:00:00Z"), actor: "ops") { r in
            _ = try r.addEntity(id: "acme", name: "Acme <b>", zone: nil, region: nil, owner: nil, labels: [:])
            let id = try r.addCustom(
                entityId: "acme", title: title, start: .day(day("2025-09-03")), period: try Period(parsing: "+7d"), roll: nil
            ).id!
            _ = try r.acknowledge(id, note: "<img src=x onerror=alert(1)>", until: nil)
            return id
        }
        let html = String(decoding: try AuditPack.render(try await pack(store), as: .html), as: UTF8.self)
        #expect(html.contains("o\(id)"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(!html.contains("<script>alert") && !html.contains("<img") && !html.contains("<b>"))
    }

    /// A renewal whose certificate was suspended lapsed: the pack counts it as lapsed, in words of the
    /// pack's language, never as open or overdue (its due day passed while it lay lapsed).
    @Test func aLapsedRenewalIsLapsedInThePack() async throws {
        let store = try makeTemporaryStore()
        let id = try await store.transaction(config: config, now: at("2025-09-03T02:00:00Z"), actor: "ops") { r in
            _ = try r.addEntity(id: "acme", name: "Acme", zone: nil, region: nil, owner: nil, labels: [:])
            let issued = try r.addEvent(
                entityId: "acme", kind: "pi_export_certificate_issued", at: .day(day("2025-09-01")), ref: "PIC-1",
                attributes: ["expires": "2026-01-15"])
            _ = try r.addEvent(
                entityId: "acme", kind: "pi_export_certificate_suspended", at: .day(day("2025-09-02")), ref: "PIC-1", attributes: [:])
            return try #require(issued.opened.first { $0.ruleId == "cn.pi-export.certificate-renewal" }?.id)
        }
        for language in [Language.en, .zhCN] {
            let pack = try await pack(store, language)
            let o = try #require(pack.obligations.first { $0.id == id })
            #expect(o.status == "lapsed" && o.outcome == PackOutcome(kind: .lapsed))
            #expect(pack.totals.lapsed == 1 && pack.totals.open + pack.totals.overdue == pack.obligations.count - 1)
            let html = String(decoding: try AuditPack.render(pack, as: .html), as: UTF8.self)
            #expect(html.contains(language == .zhCN ? "已失效" : "Lapsed"))
            #expect(AuditPack.renderingDifference(Array(html.utf8), of: pack) == nil)
        }
    }

    @Test func verifyPassesUntouchedAndNamesAnEditedDate() async throws {
        let (store, moved, late, _, _) = try await scenario()
        let pack = try await pack(store)
        let now = at("2025-10-02T02:00:00Z")
        let untouched = try await AuditPack.verify(pack, store: store, config: config, now: now)
        #expect(untouched.intact, "\(untouched.problems)")
        #expect(untouched.checked > pack.obligations.count * 3)
        // The closing day of the late obligation changed in the pack's data.
        var edited = pack
        let i = try #require(edited.obligations.firstIndex { $0.id == late })
        let row = try #require(edited.obligations[i].history.firstIndex { $0.action == "obligation.done" })
        edited.obligations[i].history[row].closedOn = "2025-09-10"
        let result = try await AuditPack.verify(edited, store: store, config: config, now: now)
        #expect(!result.intact)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.contains("obligation \(late)") == true)
        #expect(result.problems.first?.contains("history row \(row + 1)") == true)
        #expect(result.problems.first?.contains("closedOn is \"2025-09-10\" in the pack but \"2025-09-15\"") == true)
        // The stated due day of the header, and an evidence hash.
        var header = pack
        let j = try #require(header.obligations.firstIndex { $0.id == moved })
        header.obligations[j].due = "2025-08-12"
        header.obligations[j].evidence[0].sha256 = String(repeating: "0", count: 64)
        let headerResult = try await AuditPack.verify(header, store: store, config: config, now: now)
        #expect(headerResult.problems.contains { $0.contains("obligation \(moved)") && $0.contains("due is \"2025-08-12\"") })
        #expect(headerResult.problems.contains { $0.contains("evidence 1") && $0.contains("sha256") })
        // A date changed in the HTML text only: the text no longer is what the data renders to.
        let html = String(decoding: try AuditPack.render(pack, as: .html), as: UTF8.self)
        let changed = html.replacingOccurrences(of: "<dd>2025-09-15</dd>", with: "<dd>2025-09-10</dd>")
        #expect(changed != html)
        let difference = try #require(AuditPack.renderingDifference(Array(changed.utf8), of: pack))
        #expect(difference.contains("2025-09-10") && difference.hasPrefix("obligation "))
    }

    @Test func aBadPeriodOrEntityIsRefused() async throws {
        let (store, _, _, _, _) = try await scenario()
        await #expect(throws: StoreError.self) {
            try await AuditPack.build(
                store: store, config: config, entity: "acme", from: day("2025-12-31"), to: day("2025-01-01"),
                now: at("2025-10-01T02:00:00Z"),
                actor: "a", language: .en)
        }
        await #expect(throws: StoreError.notFound("entity 'nobody'")) {
            try await AuditPack.build(
                store: store, config: config, entity: "nobody", from: day("2025-01-01"), to: day("2025-12-31"),
                now: at("2025-10-01T02:00:00Z"),
                actor: "a", language: .en)
        }
        #expect(throws: StoreError.self) { try AuditPack.read(Array("<html>nothing</html>".utf8), file: "x.html") }
    }
}
