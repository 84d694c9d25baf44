/// `POST /v1/web/invites`: who is invited to the web view, and may they act or only read.
package struct WebInviteBody: Codable, Sendable {
    /// Who is invited: a person's id, shown by the name obligd.json's `people` gives it, else as written.
    package var person: String
    /// `reader` (the default) or `writer`.
    package var role: String?
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(person: String, role: String? = nil) {
        self.person = person
        self.role = role
    }
}

/// `POST /v1/web/revoke`: whose sessions and unused invites end.
package struct WebRevokeBody: Codable, Sendable {
    /// The person whose sessions and unused invites end.
    package var person: String
    /// What obligctl sends; the daemon refuses, by name, a member it does not take.
    package init(person: String) { self.person = person }
}

/// An invite or a session of the web view. `url` only in the answer to the invite's creation: obligd
/// keeps only the token's hash, so a lost link is revoked and replaced, never shown again.
package struct WebAccessView: Codable, Sendable, Equatable {
    /// `invite` or `session`.
    package var kind: String
    /// The invite's or session's row id.
    package var id: Int64
    /// The person it is for.
    package var person: String
    /// `reader` or `writer`: whether they may only read, or also act (done, waive, ack).
    package var role: String
    /// ISO 8601 UTC.
    package var createdAt: String
    /// When it stops working, ISO 8601 UTC.
    package var expiresAt: String
    /// `live`, `used` (an invite exchanged for a session), `ended` (signed out or revoked), `expired`.
    package var state: String
    /// The one-time sign-in link, when obligd knows the URL people reach it at.
    package var url: String?
    /// The path of the link on the TCP listener (`/signin/TOKEN`).
    package var path: String?
    /// Builds the view; `url` and `path` are given only when the invite was just created.
    package init(
        kind: String, id: Int64, person: String, role: String, createdAt: String, expiresAt: String, state: String,
        url: String? = nil, path: String? = nil
    ) {
        self.kind = kind
        self.id = id
        self.person = person
        self.role = role
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.state = state
        self.url = url
        self.path = path
    }
}
