import APIModel
import DeadlineKit
import Foundation
import HTTPTypes
import Hummingbird
import Store

/// Evidence of an obligation (#32): `POST /v1/obligations/{id}/evidence` adds files and/or a
/// reference, `GET .../evidence` lists them, `GET .../evidence/{n}` returns one file's bytes with
/// its recorded SHA-256. Done and waive take evidence too (`CloseBody.evidence`), in their transaction.
extension APIServer {
    func addEvidenceRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/obligations/:id/evidence") { req, ctx in
            await self.write(req, EvidenceBody.self, status: .created) { r, b in
                let id = try obligationId(ctx)
                return try r.addEvidence(to: id, files: try Self.uploads(b.files ?? []), reference: b.reference).map(Self.evidenceView)
            }
        }
        router.get("/v1/obligations/:id/evidence") { _, ctx in
            await self.handle {
                let id = try obligationId(ctx)
                return try await self.snapshot { r in try r.evidence(of: id).map(Self.evidenceView) }
            }
        }
        router.get("/v1/obligations/:id/evidence/:n") { _, ctx in
            do {
                let id = try obligationId(ctx)
                let text = ctx.parameters.get("n") ?? ""
                guard let n = Int64(text), n > 0 else {
                    throw StoreError.invalid(
                        field: "n", problem: "'\(text)' is not an evidence number", fix: "use a number shown by obligctl evidence list")
                }
                let file = try await self.snapshot { r in try r.evidenceFile(obligation: id, number: n) }
                var headers: HTTPFields = [
                    .contentType: file.item.mediaType,
                    .contentDisposition: "attachment; filename*=UTF-8''\(Self.percentEncoded(file.item.name))",
                    .init(evidenceSHA256Header)!: file.item.sha256
                ]
                headers[.init("X-Content-Type-Options")!] = "nosniff"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.content)))
            } catch {
                return APIError.response(for: error)
            }
        }
    }

    /// The files of a request body as Store takes them: base64 decoded, a bad one refused by its index.
    static func uploads(_ files: [EvidenceFileBody]) throws -> [EvidenceUpload] {
        try files.enumerated().map { i, f in
            guard let bytes = Data(base64Encoded: f.content) else {
                throw StoreError.invalid(
                    field: "evidence[\(i)].content", problem: "is not base64",
                    fix: "send the file's bytes in standard base64 with padding (obligctl does this for you)")
            }
            return EvidenceUpload(name: f.name, mediaType: f.mediaType, content: [UInt8](bytes))
        }
    }

    static func evidenceView(_ e: EvidenceItem) -> EvidenceView {
        EvidenceView(
            obligation: e.obligationId, number: e.number, name: e.name, mediaType: e.mediaType, size: e.size, sha256: e.sha256,
            reference: e.reference, addedAt: Instant(secondsSinceEpoch: e.addedAt).description, actor: e.actor, auditId: e.auditId,
            auditHash: e.auditHash)
    }

    /// RFC 8187's encoding of a file name for `Content-Disposition`: anything but unreserved
    /// characters percent-encoded, so no name can end the header or inject another.
    static func percentEncoded(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(.init(charactersIn: Unicode.Scalar(0)..<Unicode.Scalar(128)))
        allowed.insert(charactersIn: "-._~")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "evidence"
    }
}
