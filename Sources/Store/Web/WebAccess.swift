import DeadlineKit
import Foundation
import Rules

/// What a person signed in to the web view may do: read every page, or also acknowledge, close and
/// waive obligations. The socket API and its roles are unchanged; this is the web view's own.

/// A one-time sign-in link for the web view, printed by `obligctl web invite`. Only the SHA-256 of its
/// token is kept (as for feeds), so the database and its backups hold no working link; it is used once
/// and expires unused after `WebAccess.inviteLifetime`.
package struct WebInvite: Codable, Sendable, Equatable, SQLRecord {
    /// The SQL table its rows live in, on both backends.
    package static let tableName = "webInvite"
    /// Store's row id; nil until inserted. A session names the invite it came from by this id.
    package var id: Int64?
    /// Hex SHA-256 of the token.
    package var tokenHash: String
    /// Who it is for (`li.wei`); web actions are audited as `web:li.wei`.
    package var person: String
    /// What the session it becomes may do (read only, or also act on obligations).
    package var role: WebRole
    /// Epoch seconds, and the actor who created it.
    package var createdAt: Int64
    /// The actor who ran `obligctl web invite`, for the audit trail.
    package var createdBy: String
    /// After this instant (epoch seconds) the invite no longer signs anyone in, used or not.
    package var expiresAt: Int64
    /// When it was exchanged for a session; a used invite never signs anyone in again.
    package var usedAt: Int64?
    /// When `obligctl web revoke` withdrew it (epoch seconds); a revoked invite never signs anyone in.
    package var revokedAt: Int64?
}

/// A signed-in browser: the cookie holds its token, obligd only the token's SHA-256. Kept by Store,
/// so any node of a cluster serves it and it survives a restart or a failover.
package struct WebSession: Codable, Sendable, Equatable, SQLRecord {
    /// The SQL table its rows live in, on both backends.
    package static let tableName = "webSession"
    /// Store's row id; nil until inserted.
    package var id: Int64?
    /// Hex SHA-256 of the cookie's token: a stolen database or backup holds no working session.
    package var tokenHash: String
    /// Who signed in (the invite's person).
    package var person: String
    /// What this person may do in the web view, from the invite.
    package var role: WebRole
    /// When the person signed in (epoch seconds).
    package var createdAt: Int64
    /// After this instant (epoch seconds) the cookie gets the sign-in page again.
    package var expiresAt: Int64
    /// Signed out, or revoked by `obligctl web revoke`: the cookie then gets the sign-in page.
    package var endedAt: Int64?
    /// The invite it was exchanged for.
    package var inviteId: Int64

    /// The actor the audit trail names for what this person does in the web view.
    package var actor: String { "web:\(person)" }
}

/// The web view's access rules, kept with the records so every node applies the same.
package enum WebAccess {
    /// An invite unused for 7 days expires.
    package static let inviteLifetime: Int64 = 7 * 86_400
    /// A session lasts 30 days.
    package static let sessionLifetime: Int64 = 30 * 86_400

    /// Checks a person's name: what follows `web:` in the audit trail, so letters, digits and `._-`.
    package static func checkPerson(_ name: String) throws(StoreError) {
        let allowed = name.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2E || b == 0x5F || b == 0x2D
        }
        guard !name.isEmpty, name.utf8.count <= 64, allowed else {
            throw StoreError.invalid(
                field: "person", problem: "'\(name)' is not a person's name for the web view",
                fix: "use 1-64 letters, digits, '.', '_' or '-', e.g. li.wei")
        }
    }
}

extension Recorder {
    /// Records an invite for `person` whose token hashes to `tokenHash`. Audited (never the token).
    package func addWebInvite(person: String, role: WebRole, tokenHash: String) throws -> WebInvite {
        try WebAccess.checkPerson(person)
        var invite = WebInvite(
            tokenHash: tokenHash, person: person, role: role, createdAt: now.secondsSinceEpoch, createdBy: actor,
            expiresAt: now.secondsSinceEpoch + WebAccess.inviteLifetime)
        invite.id = try sql.insert(invite)
        try audit(
            .webInvited, subject: "web:\(person)", before: nil,
            after: "invited to the web view as \(role.rawValue), until \(Instant(secondsSinceEpoch: invite.expiresAt))")
        return invite
    }

    /// Exchanges the live invite whose token hashes to `inviteHash` for a new session whose token hashes
    /// to `sessionHash`; nil when there is no such invite (unknown, used, revoked or expired: they all
    /// look the same to whoever holds the link). Audited as the person.
    package func redeemWebInvite(inviteHash: String, sessionHash: String) throws -> WebSession? {
        guard
            var invite = try sql.one(
                WebInvite.self,
                "SELECT * FROM webInvite WHERE tokenHash = ? AND usedAt IS NULL AND revokedAt IS NULL AND expiresAt > ? LIMIT 1",
                [inviteHash, now.secondsSinceEpoch]),
            let inviteId = invite.id
        else { return nil }
        invite.usedAt = now.secondsSinceEpoch
        try sql.execute("UPDATE webInvite SET usedAt = ? WHERE id = ?", invite.usedAt, inviteId)
        var session = WebSession(
            tokenHash: sessionHash, person: invite.person, role: invite.role, createdAt: now.secondsSinceEpoch,
            expiresAt: now.secondsSinceEpoch + WebAccess.sessionLifetime, inviteId: inviteId)
        session.id = try sql.insert(session)
        try audit(
            .webSignedIn, subject: "web:\(invite.person)", before: nil,
            after: "signed in to the web view as \(invite.role.rawValue) (session \(session.id ?? 0))", actorOverride: session.actor)
        return session
    }

    /// Starts a session for `person`, whom the trusted reverse proxy named (single sign-on), as `role`.
    /// The proxy's word stands in for an invite: it is recorded as an invite created by `proxy` and
    /// used at once, so every session still points to how it began. Audited as the person.
    package func startProxiedWebSession(person: String, role: WebRole, sessionHash: String, header: String) throws -> WebSession {
        try WebAccess.checkPerson(person)
        let t = now.secondsSinceEpoch
        var invite = WebInvite(
            tokenHash: sessionHash + ".proxy", person: person, role: role, createdAt: t, createdBy: "proxy", expiresAt: t, usedAt: t)
        invite.id = try sql.insert(invite)
        var session = WebSession(
            tokenHash: sessionHash, person: person, role: role, createdAt: t, expiresAt: t + WebAccess.sessionLifetime,
            inviteId: invite.id ?? 0)
        session.id = try sql.insert(session)
        try audit(
            .webSignedIn, subject: "web:\(person)", before: nil,
            after: "signed in to the web view as \(role.rawValue) through the trusted proxy (\(header)) (session \(session.id ?? 0))",
            actorOverride: session.actor)
        return session
    }

    /// The live session whose token hashes to `tokenHash`: not ended, not expired.
    package func webSession(tokenHash: String) throws -> WebSession? {
        try sql.one(
            WebSession.self, "SELECT * FROM webSession WHERE tokenHash = ? AND endedAt IS NULL AND expiresAt > ? LIMIT 1",
            [tokenHash, now.secondsSinceEpoch])
    }

    /// Ends session `id` (sign-out). Audited as the person.
    package func endWebSession(_ id: Int64) throws {
        guard let s = try sql.one(WebSession.self, "SELECT * FROM webSession WHERE id = ? AND endedAt IS NULL", [id]) else { return }
        try sql.execute("UPDATE webSession SET endedAt = ? WHERE id = ?", now.secondsSinceEpoch, id)
        try audit(.webSignedOut, subject: "web:\(s.person)", before: nil, after: "signed out (session \(id))", actorOverride: s.actor)
    }

    /// Revokes every live session and unused invite of `person`; returns how many. Audited.
    package func revokeWeb(person: String) throws -> Int {
        try WebAccess.checkPerson(person)
        let t = now.secondsSinceEpoch
        let sessions = try sql.execute(
            "UPDATE webSession SET endedAt = ? WHERE person = ? AND endedAt IS NULL AND expiresAt > ?", t, person, t)
        let invites = try sql.execute(
            "UPDATE webInvite SET revokedAt = ? WHERE person = ? AND usedAt IS NULL AND revokedAt IS NULL AND expiresAt > ?",
            t, person, t)
        guard sessions + invites > 0 else { throw StoreError.notFound("live web session or invite of '\(person)'") }
        try audit(
            .webRevoked, subject: "web:\(person)", before: nil,
            after: "revoked \(sessions) session(s) and \(invites) invite(s) of the web view")
        return sessions + invites
    }

    /// Every invite and session, newest first, for `obligctl web list`.
    package func webAccess() throws -> (invites: [WebInvite], sessions: [WebSession]) {
        (
            try sql.all(WebInvite.self, "SELECT * FROM webInvite ORDER BY id DESC"),
            try sql.all(WebSession.self, "SELECT * FROM webSession ORDER BY id DESC")
        )
    }
}

extension Recorder {
    /// The live invite whose token hashes to `tokenHash` (unused, not revoked, not expired), without
    /// using it: the sign-in page says whom it is for before the person chooses to sign in.
    package func liveWebInvite(tokenHash: String) throws -> WebInvite? {
        try sql.one(
            WebInvite.self,
            "SELECT * FROM webInvite WHERE tokenHash = ? AND usedAt IS NULL AND revokedAt IS NULL AND expiresAt > ? LIMIT 1",
            [tokenHash, now.secondsSinceEpoch])
    }
}
