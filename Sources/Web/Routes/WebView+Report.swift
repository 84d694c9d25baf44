import AuditPack
import DeadlineKit
import HTTPTypes
import Hummingbird
import NIOCore
import Rules
import Store

/// The report page: an officer picks an entity and a period and gets the audit pack (`obligctl
/// report`) as a file, HTML to hand an auditor or JSON, in the page's language. Readers and writers
/// alike; making a pack reads one snapshot and writes nothing, so it is a GET like every other page.
extension WebView {
    func reportPage(_ req: Request) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let identity = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        let t = language.phrases
        let q = req.uri.queryParameters
        let entity = q["entity"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let now = env.now()
        let entities = try await env.read { r in try r.entities() }
        guard let entity else {
            let year = Zone.shanghai.day(of: now).year
            return Page.render(
                "report",
                [
                    "pageTitle": t["reportTitle"] ?? "", "who": who(identity, language),
                    "entities": entities.map { ["id": $0.id, "label": "\($0.id) · \($0.name)"] },
                    "from": "\(year)-01-01", "to": Zone.shanghai.day(of: now).description
                ], language: language)
        }
        func day(_ name: String) throws -> CivilDate {
            let text = q[Substring(name)].map(String.init) ?? ""
            do { return try CivilDate(parsing: text) } catch {
                throw StoreError.invalid(field: name, problem: "'\(text)' is not a day", fix: "give a date as YYYY-MM-DD")
            }
        }
        let format = try PackFormat.parse(q["format"].map(String.init) ?? PackFormat.html.rawValue)
        let from = try day("from"), to = try day("to")
        let pack = try await AuditPack.build(
            store: env.store, config: env.configuration(), entity: entity, from: from, to: to, now: now,
            actor: identity.session.actor, language: language.rules)
        var headers = Page.securityHeaders
        headers[.contentType] = format.mediaType
        headers[.contentDisposition] =
            "attachment; filename=\"obligd-pack-\(Self.percent(entity))-\(from)-\(to).\(format.rawValue)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try AuditPack.render(pack, as: format))))
    }
}
