import Foundation
import HTTPTypes
import Hummingbird

/// Rendering a page into a response with the headers every page of the web view carries: no script
/// at all (CSP), not framable, no Referer (a link never carries a token elsewhere), not cached (the
/// pages hold personal data), and no content-type guessing.
enum Page {
    static let securityHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        .cacheControl: "no-store"
    ]

    /// `template` rendered with `values` (plus the language's phrases as `t` and `lang`).
    static func render(
        _ template: String, _ values: [String: Any], language: WebLanguage, status: HTTPResponse.Status = .ok,
        extraHeaders: HTTPFields = [:]
    ) -> Response {
        var context = values
        context["t"] = language.phrases
        context["lang"] = language.rawValue
        let html = Templates.library.render(context, withTemplate: template) ?? ""
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers.append(contentsOf: extraHeaders)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page that only says something (a refusal, a signed-out notice).
    static func message(_ heading: String, _ text: String, language: WebLanguage, status: HTTPResponse.Status, who: Any? = nil) -> Response
    {
        var values: [String: Any] = ["pageTitle": heading, "heading": heading, "message": text]
        if let who { values["who"] = who }
        return render("message", values, language: language, status: status)
    }

    /// A redirect after a form (303: the browser GETs the page, so a reload posts nothing again).
    static func seeOther(_ location: String, extraHeaders: HTTPFields = [:]) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        headers.append(contentsOf: extraHeaders)
        return Response(status: .seeOther, headers: headers)
    }

    /// The stylesheet.
    static func stylesheet() -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Stylesheet.css)))
    }
}
