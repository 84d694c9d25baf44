import APIModel
import AuditPack
import DeadlineKit
import Foundation
import HTTPTypes
import Hummingbird
import Rules
import Store

/// Audit packs (#32): `GET /v1/reports?entity=&from=&to=&format=&lang=` makes one on a snapshot
/// (with the chain verified on it); `POST /v1/reports/verify` checks a pack's data against the
/// live trail. The verify POST writes nothing, so readers may call it (`AccessPolicy.isRead`).
extension APIServer {
    /// The path of the check, which `AccessPolicy` lets readers POST to.
    static let reportVerifyPath = "/v1/reports/verify"

    func addReportRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/reports") { req, _ in
            do {
                let q = req.uri.queryParameters
                func required(_ name: String, _ example: String) throws -> String {
                    guard let v = q[Substring(name)] else {
                        throw StoreError.invalid(field: name, problem: "is required", fix: "e.g. \(name)=\(example)")
                    }
                    return String(v)
                }
                let entity = try required("entity", "acme")
                let from = try parsed("from", try required("from", "2026-01-01")) { (t) throws(InputError) in try CivilDate(parsing: t) }
                let to = try parsed("to", try required("to", "2026-12-31")) { (t) throws(InputError) in try CivilDate(parsing: t) }
                let format = try PackFormat.parse(q["format"].map(String.init) ?? "html")
                let language = try Self.language(q["lang"].map(String.init))
                let pack = try await AuditPack.build(
                    store: store, config: config.configuration, entity: entity, from: from, to: to, now: clock(),
                    actor: try PeerIdentity.actor(of: req), language: language)
                let bytes = try AuditPack.render(pack, as: format)
                let headers: HTTPFields = [
                    .contentType: format.mediaType,
                    .contentDisposition:
                        "attachment; filename=\"obligd-pack-\(Self.percentEncoded(entity))-\(from)-\(to).\(format.rawValue)\"",
                    .cacheControl: "no-store"
                ]
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            } catch {
                return APIError.response(for: error)
            }
        }
        router.post(RouterPath(Self.reportVerifyPath)) { req, _ in
            await self.handle {
                try Self.checkContentType(of: req)
                let data = Data(buffer: try await req.body.collect(upTo: 512 << 20))
                // Strict, and every field known: a pack with a field added is an edited pack.
                let pack = try RequestBody.decode(AuditPackDocument.self, from: data)
                return try await AuditPack.verify(pack, store: self.store, config: self.config.configuration, now: self.clock())
            }
        }
    }

    /// `lang=`: zh-CN or en, zh-CN when absent (the packs' readers are Chinese regulators first).
    static func language(_ text: String?) throws -> Language {
        guard let text else { return .zhCN }
        guard let l = Language(rawValue: text) else {
            throw StoreError.invalid(field: "lang", problem: "'\(text)' is not a language obligd writes", fix: "use zh-CN or en")
        }
        return l
    }
}
