import Foundation

/// One evidence file in a request: its name, media type and bytes in standard base64 (JSON has no
/// bytes). Why base64 in JSON and not multipart: every body obligd takes is strict JSON, checked and
/// fingerprinted for `Idempotency-Key` the same way.
package struct EvidenceFileBody: Codable, Sendable, Equatable {
    /// The file's name as the caller gave it (1 to 256 characters).
    package var name: String
    /// Its media type (type/subtype, e.g. `application/pdf`).
    package var mediaType: String
    /// The file's bytes, base64 (RFC 4648, with padding).
    package var content: String
    /// What obligctl sends for each file it reads: its base name, and `content` already in base64.
    package init(name: String, mediaType: String, content: String) {
        self.name = name
        self.mediaType = mediaType
        self.content = content
    }
}

/// `POST /v1/obligations/{id}/evidence`: files and/or a reference added to an obligation's evidence.
package struct EvidenceBody: Codable, Sendable, Equatable {
    /// The files to keep; each is recorded with its SHA-256 in an `evidence.added` audit row.
    package var files: [EvidenceFileBody]?
    /// A reference (a filing number) kept as evidence, with the files or alone; at most 256 characters.
    package var reference: String?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(files: [EvidenceFileBody]? = nil, reference: String? = nil) {
        self.files = files
        self.reference = reference
    }
}

/// One item of an obligation's evidence as listed (`GET /v1/obligations/{id}/evidence`).
package struct EvidenceView: Codable, Sendable, Equatable {
    /// The obligation's row id it belongs to.
    package var obligation: Int64
    /// Its number within the obligation: 1, 2, ..., never reused; what `/evidence/{n}` takes.
    package var number: Int64
    /// The file's name as given.
    package var name: String
    /// Its media type.
    package var mediaType: String
    /// Its size in bytes.
    package var size: Int64
    /// Its SHA-256 as lowercase hex, recorded in the audit row when it was added.
    package var sha256: String
    /// The reference kept with it, when one was given.
    package var reference: String?
    /// When it was added (UTC, RFC 3339) and by whom.
    package var addedAt: String
    /// Who added it, as the audit trail records the caller.
    package var actor: String
    /// The audit row that recorded the addition (and the SHA-256), and its hash.
    package var auditId: Int64
    /// That row's hash, which ties the file to the audit chain.
    package var auditHash: String?
    /// Filled by the daemon's routes; obligctl and other clients only decode it.
    package init(
        obligation: Int64, number: Int64, name: String, mediaType: String, size: Int64, sha256: String, reference: String?,
        addedAt: String, actor: String, auditId: Int64, auditHash: String?
    ) {
        self.obligation = obligation
        self.number = number
        self.name = name
        self.mediaType = mediaType
        self.size = size
        self.sha256 = sha256
        self.reference = reference
        self.addedAt = addedAt
        self.actor = actor
        self.auditId = auditId
        self.auditHash = auditHash
    }
}

/// The header that carries an evidence file's recorded SHA-256 with its bytes
/// (`GET /v1/obligations/{id}/evidence/{n}`), so a client can check what it received.
package let evidenceSHA256Header = "X-Obligd-SHA256"
