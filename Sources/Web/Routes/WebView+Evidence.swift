import HTTPTypes
import Hummingbird
import NIOCore
import Store

/// Downloading an obligation's evidence (readers and writers alike): the file as obligd stored it,
/// checked against the SHA-256 its audit row recorded on the way out, and sent as an attachment that
/// the browser neither renders in the page's origin nor sniffs (a stored HTML file cannot run there).
extension WebView {
    func evidenceFile(_ req: Request, id idText: String, number numberText: String) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let identity = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        guard let id = Int64(idText), let number = Int64(numberText) else {
            return Page.message(
                "404", language.phrases["notFound"] ?? "", language: language, status: .notFound, who: who(identity, language))
        }
        let stored = try await env.read { r in try r.evidenceFile(obligation: id, number: number) }
        guard stored.intact else {
            return Page.message(
                "500", "\(stored.item.name): the stored file does not match the SHA-256 its audit row recorded (\(stored.item.sha256))",
                language: language, status: .internalServerError, who: who(identity, language))
        }
        var headers = Page.securityHeaders
        headers[.contentType] = "application/octet-stream"
        headers[.contentDisposition] = "attachment; filename*=UTF-8''\(Self.percent(stored.item.name))"
        headers[HTTPField.Name("Content-Security-Policy")!] = "default-src 'none'; sandbox"
        headers[HTTPField.Name("Digest")!] = "sha-256=\(stored.item.sha256)"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: stored.content)))
    }
}
