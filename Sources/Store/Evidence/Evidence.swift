import Crypto
import Foundation

/// A file offered as evidence of an obligation (a filing receipt, a certificate, the report that was
/// submitted): its name and media type as the client gives them, and its bytes.
package struct EvidenceUpload: Sendable, Equatable {
    /// The file's name as the client gave it (e.g. receipt.pdf); checked non-empty and within the name limit.
    package var name: String
    /// `type/subtype` with optional parameters; refused otherwise, with the field named.
    package var mediaType: String
    /// The file's bytes; at most the limit `EvidenceSettings` reads from obligd.json.
    package var content: [UInt8]

    /// An upload as received; nothing is checked until `Recorder` adds it.
    package init(name: String, mediaType: String, content: [UInt8]) {
        self.name = name
        self.mediaType = mediaType
        self.content = content
    }
}

/// One item of an obligation's evidence, as listed: number `number` of obligation `obligationId`,
/// the file's name, media type, size and SHA-256, the reference it came with (a filing number), who
/// added it and when, and the audit row that recorded the addition (whose hash chains the SHA-256
/// into the trail, so `audit verify` covers the file).
package struct EvidenceItem: Codable, Sendable, Equatable, SQLRecord {
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { "evidence" }
    /// The obligation it is evidence of.
    package var obligationId: Int64
    /// 1, 2, 3, ... per obligation, in the order added; never reused (evidence is never removed).
    package var number: Int64
    /// The file's name as the client gave it.
    package var name: String
    /// The media type as the client gave it, served back with the file.
    package var mediaType: String
    /// In bytes.
    package var size: Int64
    /// Lowercase hex SHA-256 of the bytes: the key the bytes are stored under (`evidenceBlob`).
    package var sha256: String
    /// The reference given with it (a filing or receipt number); nil when none was.
    package var reference: String?
    /// Epoch seconds.
    package var addedAt: Int64
    /// Who added it (the peer's user or `web:NAME`).
    package var actor: String
    /// The `evidence.added` audit row.
    package var auditId: Int64
    /// That row's hash.
    package var auditHash: String?
}

/// An evidence item with its bytes, as stored.
package struct StoredEvidence: Sendable, Equatable {
    /// What is listed about the file.
    package var item: EvidenceItem
    /// The bytes as stored in `evidenceBlob`.
    package var content: [UInt8]

    /// Whether the bytes still hash to what was recorded: false only if the database was edited
    /// outside obligd (the tables are append-only in SQL).
    package var intact: Bool { Evidence.sha256(content) == item.sha256 }
}

/// What evidence is, in one place: its audit action, the hash, the form of a media type, and the
/// check that every stored file still hashes to what its audit row recorded.
package enum Evidence {
    /// The audit action of an addition; its `after` is `AddedRecord`'s JSON.
    package static let auditAction = AuditAction.evidenceAdded
    /// The name and media type of an item made of a reference alone (`done --reference` with no file).
    package static let referenceName = "reference.txt"
    /// The media type of such an item: its bytes are the reference as UTF-8 text.
    package static let referenceMediaType = "text/plain; charset=utf-8"

    /// Lowercase hex SHA-256 of `bytes`.
    package static func sha256(_ bytes: some DataProtocol) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for b in SHA256.hash(data: bytes) {
            hex.append(digits[Int(b >> 4)])
            hex.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// What an `evidence.added` audit row's `after` states; `JSONDecoder` reads it back.
    package struct AddedRecord: Codable, Sendable, Equatable {
        /// The item's number within its obligation.
        package var number: Int64
        /// The file's name.
        package var name: String
        /// The file's media type.
        package var mediaType: String
        /// The file's size in bytes.
        package var size: Int64
        /// Lowercase hex SHA-256 of the bytes: what chains the file into the audit trail.
        package var sha256: String
        /// The reference given with it, if any.
        package var reference: String?

        /// The audit row's `after`: sorted keys, as every audit row's JSON.
        var json: String {
            var w = AuditJSONWriter()
            w.field("mediaType", mediaType)
            w.field("name", name)
            w.field("number", number)
            if let reference { w.field("reference", reference) }
            w.field("sha256", sha256)
            w.field("size", size)
            return w.finish()
        }

        /// Reads an audit row's `after`; nil when it is not one.
        package static func read(_ after: String?) -> AddedRecord? {
            guard let after else { return nil }
            return try? JSONDecoder().decode(AddedRecord.self, from: Data(after.utf8))
        }
    }

    /// Checks `mediaType` is `type/subtype` with optional parameters, in visible ASCII.
    static func checkMediaType(_ mediaType: String, field: String) throws {
        let parts = mediaType.split(separator: ";", maxSplits: 1)
        let essence = parts.first.map(String.init) ?? ""
        let halves = essence.split(separator: "/", omittingEmptySubsequences: false)
        let token = { (s: Substring) in !s.isEmpty && s.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "/") } }
        guard mediaType.utf8.count <= 255, halves.count == 2, token(halves[0]), token(halves[1]),
            mediaType.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f })
        else {
            throw StoreError.invalid(
                field: field, problem: "'\(mediaType.prefix(80))' is not a media type",
                fix: "give type/subtype, e.g. application/pdf, image/png or text/plain; charset=utf-8")
        }
    }

    /// `n` bytes for a person: `20 MiB`, `512 KiB`, `300 bytes`.
    package static func size(_ n: Int64) -> String {
        if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / Double(1 << 20)) }
        if n >= 1 << 10 { return String(format: "%.1f KiB", Double(n) / Double(1 << 10)) }
        return "\(n) bytes"
    }

    /// The outcome of checking every stored file against the audit trail.
    package struct Check: Sendable, Equatable {
        /// Items checked.
        package var items = 0
        /// Distinct files (blobs) hashed, and their bytes.
        package var files = 0
        /// Bytes hashed over those files.
        package var bytes: Int64 = 0
        /// The first item whose bytes, size or audit row do not agree; nil when all do.
        package var problem: String?
    }

    /// Hashes every stored file and compares it with the `evidence.added` audit row of each item
    /// that names it (the row's hash is checked by the chain walk, so a file changed in the database
    /// breaks the one or the other). Reads one file at a time.
    package static func check(_ sql: any SQLSession) throws -> Check {
        var result = Check()
        var actual: [String: (sha256: String, size: Int64)] = [:]
        try sql.forEach("SELECT sha256, size, content FROM evidenceBlob ORDER BY sha256", []) { row in
            let key: String = try row.decode(0, "evidenceBlob.sha256")
            let content: [UInt8] = try row.decode(2, "evidenceBlob.content")
            actual[key] = (sha256(content), Int64(content.count))
            result.files += 1
            result.bytes += Int64(content.count)
        }
        try sql.forEach(
            """
            SELECT e.obligationId, e.number, e.name, e.sha256, e.size, e.auditId, a.action, a.subject, a.after
            FROM evidence e LEFT JOIN audit a ON a.id = e.auditId ORDER BY e.obligationId, e.number
            """, []
        ) { row in
            guard result.problem == nil else { return }
            result.items += 1
            let obligation: Int64 = try row.decode(0, "evidence.obligationId")
            let number: Int64 = try row.decode(1, "evidence.number")
            let name: String = try row.decode(2, "evidence.name")
            let key: String = try row.decode(3, "evidence.sha256")
            let size: Int64 = try row.decode(4, "evidence.size")
            let auditId: Int64 = try row.decode(5, "evidence.auditId")
            let what = "evidence \(number) of obligation \(obligation) (\(name))"
            let action: String? = try row.decode(6, "audit.action")
            let subject: String? = try row.decode(7, "audit.subject")
            guard action == auditAction.rawValue, subject == "obligation:\(obligation)",
                let added = AddedRecord.read(try row.decode(8, "audit.after"))
            else {
                result.problem =
                    "\(what): audit row \(auditId) is not the record of its addition; the evidence table was edited outside obligd"
                return
            }
            guard added.number == number, added.sha256 == key, added.size == size, added.name == name else {
                result.problem =
                    "\(what): the evidence table says SHA-256 \(key), \(size) bytes, but audit row \(auditId) recorded "
                    + "\(added.sha256), \(added.size) bytes; the evidence table was edited outside obligd"
                return
            }
            guard let stored = actual[key] else {
                result.problem = "\(what): its file (SHA-256 \(key)) is missing from the database"
                return
            }
            guard stored.sha256 == key, stored.size == size else {
                result.problem =
                    "\(what): its stored bytes hash to \(stored.sha256) (\(stored.size) bytes), but audit row \(auditId) recorded "
                    + "\(key) (\(size) bytes); the file was changed in the database outside obligd"
                return
            }
        }
        if result.problem == nil {
            let recorded = try sql.value(Int.self, "SELECT count(*) AS n FROM audit WHERE action = ?", [auditAction.rawValue]) ?? 0
            if recorded != result.items {
                result.problem =
                    "the audit trail records \(recorded) evidence additions but the database holds \(result.items) items; "
                    + "evidence was removed outside obligd"
            }
        }
        return result
    }
}

/// Adding and reading evidence. Why in the Recorder: an addition is the item, its file and its audit
/// row in one transaction (with the close, at `done`), so nothing is half written.
extension Recorder {
    /// Adds `files` (and `reference`, a filing number) as the next items of obligation `id`'s
    /// evidence; a reference without files is one small text item holding it. Refused, with nothing
    /// written, when a file or the obligation's total would pass obligd.json's `evidence` limits.
    @discardableResult
    package func addEvidence(to id: Int64, files: [EvidenceUpload], reference: String?) throws -> [EvidenceItem] {
        if let reference { try Limits.check(reference, field: "reference", max: Limits.name) }
        _ = try obligation(id)
        var files = files
        if files.isEmpty {
            guard let reference, !reference.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StoreError.invalid(
                    field: "evidence", problem: "no file and no reference given",
                    fix: "attach a file (obligctl evidence add ID FILE) or give a reference (--reference NO)")
            }
            files = [EvidenceUpload(name: Evidence.referenceName, mediaType: Evidence.referenceMediaType, content: Array(reference.utf8))]
        }
        let limits = config.evidence
        for (i, file) in files.enumerated() {
            try Limits.check(file.name, field: "evidence[\(i)].name", max: Limits.name)
            guard !file.name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw StoreError.invalid(field: "evidence[\(i)].name", problem: "is empty", fix: "give the file's name, e.g. receipt.pdf")
            }
            try Evidence.checkMediaType(file.mediaType, field: "evidence[\(i)].mediaType")
            guard file.content.count <= limits.maxFileBytes else {
                throw StoreError.invalid(
                    field: "evidence[\(i)].content",
                    problem: "\(file.name) is \(Evidence.size(Int64(file.content.count))); at most "
                        + "\(Evidence.size(Int64(limits.maxFileBytes))) a file are taken (nothing was written)",
                    fix: "attach a smaller file (a compressed PDF), or raise evidence.maxFileBytes in obligd.json")
            }
        }
        // CAST: PostgreSQL's sum of a bigint is a numeric.
        let row = try sql.row(
            "SELECT CAST(coalesce(sum(size), 0) AS BIGINT) AS total, coalesce(max(number), 0) AS last FROM evidence WHERE obligationId = ?",
            [id])
        let held: Int64 = try row?.decode(0, "total") ?? 0
        var number: Int64 = try row?.decode(1, "last") ?? 0
        let adding = files.reduce(Int64(0)) { $0 + Int64($1.content.count) }
        guard held + adding <= Int64(limits.maxPerObligationBytes) else {
            throw StoreError.invalid(
                field: "evidence",
                problem: "obligation \(id) holds \(Evidence.size(held)) of evidence; adding \(Evidence.size(adding)) would pass "
                    + "the \(Evidence.size(Int64(limits.maxPerObligationBytes))) an obligation may hold (nothing was written)",
                fix: "attach smaller files, or raise evidence.maxPerObligationBytes in obligd.json")
        }
        var items: [EvidenceItem] = []
        for file in files {
            number += 1
            let hash = Evidence.sha256(file.content)
            try sql.execute(
                "INSERT INTO evidenceBlob (sha256, size, content) VALUES (?, ?, ?) ON CONFLICT (sha256) DO NOTHING",
                hash, Int64(file.content.count), file.content)
            let added = Evidence.AddedRecord(
                number: number, name: file.name, mediaType: file.mediaType, size: Int64(file.content.count), sha256: hash,
                reference: reference)
            try audit(Evidence.auditAction, subject: "obligation:\(id)", before: nil, after: added.json)
            let tip = lookups.auditTip!
            let item = EvidenceItem(
                obligationId: id, number: number, name: file.name, mediaType: file.mediaType, size: added.size, sha256: hash,
                reference: reference, addedAt: now.secondsSinceEpoch, actor: actor, auditId: tip.id, auditHash: tip.hash)
            try sql.execute(
                """
                INSERT INTO evidence (obligationId, number, name, mediaType, size, sha256, reference, addedAt, actor, auditId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, id, number, item.name, item.mediaType, item.size, hash, reference, item.addedAt, actor, tip.id)
            items.append(item)
        }
        return items
    }

    private static let itemColumns = """
        SELECT e.obligationId, e.number, e.name, e.mediaType, e.size, e.sha256, e.reference, e.addedAt, e.actor, e.auditId,
          a.hash AS auditHash
        FROM evidence e LEFT JOIN audit a ON a.id = e.auditId
        """

    /// The evidence of obligation `id`, in the order added (no bytes).
    package func evidence(of id: Int64) throws -> [EvidenceItem] {
        guard try findObligation(id) != nil else { throw StoreError.notFound("obligation \(id)") }
        return try sql.all(EvidenceItem.self, Self.itemColumns + " WHERE e.obligationId = ? ORDER BY e.number", [id])
    }

    /// The evidence of each of `ids` (no bytes), for lists and the audit pack.
    package func evidence(ofAll ids: [Int64]) throws -> [Int64: [EvidenceItem]] {
        var out: [Int64: [EvidenceItem]] = [:]
        for chunk in ids.chunks(of: 500) {
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
            for item in try sql.all(
                EvidenceItem.self, Self.itemColumns + " WHERE e.obligationId IN (\(marks)) ORDER BY e.obligationId, e.number",
                chunk.map { $0 as (any SQLColumn)? })
            {
                out[item.obligationId, default: []].append(item)
            }
        }
        return out
    }

    /// Item `number` of obligation `id`'s evidence with its bytes as stored; `intact` tells whether
    /// they still hash to what was recorded.
    package func evidenceFile(obligation id: Int64, number: Int64) throws -> StoredEvidence {
        guard
            let item = try sql.one(
                EvidenceItem.self, Self.itemColumns + " WHERE e.obligationId = ? AND e.number = ?", [id, number])
        else {
            _ = try obligation(id)
            throw StoreError.notFound("evidence \(number) of obligation \(id)")
        }
        let content = try sql.value([UInt8].self, "SELECT content FROM evidenceBlob WHERE sha256 = ?", [item.sha256]) ?? []
        return StoredEvidence(item: item, content: content)
    }
}
