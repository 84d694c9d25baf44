import DeadlineKit
import Hummingbird
import Rules
import Store

/// The forms of the obligation page: acknowledge (a note, until a day), done (a day, a note, and
/// evidence: files and a filing number), waive (a reason), and evidence added to a closed one later. Each is the Store verb the API calls, audited as `web:NAME`, and notified as any
/// other change; then the browser is sent back to the obligation (303).
extension WebView {
    /// What a form may do.
    enum Action: String {
        case acknowledge, done, waive, evidence
    }

    func act(_ req: Request, id idText: String, action actionText: String) async throws -> Response {
        let language = WebLanguage.of(req)
        guard let identity = try await WebIdentity.of(req, in: env) else { return needSignIn(language) }
        let form = try await Form.read(req, maxBytes: env.configuration().evidence.maxPerObligationBytes)
        guard try sameOrigin(req), SecretToken.equal(form["csrf"] ?? "", identity.csrf) else { return refusedForm(language) }
        guard identity.role.canWrite else { return forbidden(language) }
        guard let action = Action(rawValue: actionText), let id = Int64(idText), id > 0 else {
            return Page.message(
                "404", language.phrases["notFound"] ?? "", language: language, status: .notFound, who: who(identity, language))
        }
        func day(_ field: String) throws -> CivilDate? {
            guard let text = form[field], !text.isEmpty else { return nil }
            do { return try CivilDate(parsing: text) } catch {
                throw StoreError.invalid(field: field, problem: "'\(text)' is not a day", fix: "give a date as YYYY-MM-DD")
            }
        }
        func given(_ field: String) -> String? { form[field].flatMap { $0.isEmpty ? nil : $0 } }
        let until = try day("until"), date = try day("date")
        let note = given("note"), reason = given("reason"), reference = given("reference")
        let files = form.files
        try await env.write(actor: identity.session.actor) { r in
            switch action {
            case .acknowledge: _ = try r.acknowledge(id, note: note, until: until)
            case .done:
                _ = try r.close(id, as: .done, on: date, note: note)
                // In the same transaction: a file refused (too large) leaves the obligation open.
                if !files.isEmpty || reference != nil { try r.addEvidence(to: id, files: files, reference: reference) }
            case .waive: _ = try r.close(id, as: .waived, on: nil, note: reason)
            case .evidence: try r.addEvidence(to: id, files: files, reference: reference)
            }
        }
        return Page.seeOther("/obligations/\(id)?lang=\(language.rawValue)")
    }
}
