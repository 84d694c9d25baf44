import DeadlineKit
import Foundation
import Store
import TestSupport
import Testing

/// The web view's invites and sessions on PostgreSQL (migration 005-web): what SQLite keeps, the
/// cluster keeps, so any node serves a session and a failover keeps it.
@Suite(.serialized, .enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct WebAccessTests {
    let config = Embedded.configuration
    let now = try! Instant(parsing: "2026-12-07T02:00:00Z")

    @Test func anInviteSignsInOnceAndRevokingEndsTheSession() async throws {
        try await TestDatabase.with { db in
            try await db.withStore { store in
                let invite = try await store.transaction(config: config, now: now, actor: "root") { r in
                    try r.addWebInvite(person: "li.wei", role: .writer, tokenHash: "invite-hash")
                }
                #expect(invite.expiresAt == now.secondsSinceEpoch + WebAccess.inviteLifetime)
                let session = try await store.transaction(config: config, now: now, actor: "web") { r in
                    try r.redeemWebInvite(inviteHash: "invite-hash", sessionHash: "session-hash")
                }
                #expect(session?.person == "li.wei" && session?.role == .writer)
                let again = try await store.transaction(config: config, now: now, actor: "web") { r in
                    try r.redeemWebInvite(inviteHash: "invite-hash", sessionHash: "other")
                }
                #expect(again == nil, "single use")
                let live = try await store.snapshot(config: config, now: now) { r in try r.webSession(tokenHash: "session-hash") }
                #expect(live?.id == session?.id)
                _ = try await store.transaction(config: config, now: now, actor: "root") { r in try r.revokeWeb(person: "li.wei") }
                let ended = try await store.snapshot(config: config, now: now) { r in try r.webSession(tokenHash: "session-hash") }
                #expect(ended == nil)
                let audit = try await store.snapshot(config: config, now: now) { r in try r.auditRows(after: 0, limit: 100) }
                #expect(audit.map(\.action) == ["web.invited", "web.signed-in", "web.revoked"])
                #expect(audit[1].actor == "web:li.wei")
            }
        }
    }

    /// Two stores on one database are two nodes: a session the first started (through the trusted
    /// proxy, as single sign-on does) is live on the second, and stays live after the first is gone,
    /// as it does after a failover or a restart.
    @Test func aSessionStartedOnOneNodeIsLiveOnAnotherAndAfterTheFirstStops() async throws {
        try await TestDatabase.with { db in
            let started = try await db.withStore { first in
                try await first.transaction(config: config, now: now, actor: "web") { r in
                    try r.startProxiedWebSession(person: "li.wei", role: .writer, sessionHash: "sso-hash", header: "X-Forwarded-User")
                }
            }
            try await db.withStore { second in
                let later = Instant(secondsSinceEpoch: now.secondsSinceEpoch + 86_400)
                let live = try await second.snapshot(config: config, now: later) { r in try r.webSession(tokenHash: "sso-hash") }
                #expect(live?.id == started.id && live?.person == "li.wei" && live?.role == .writer)
                let expired = Instant(secondsSinceEpoch: now.secondsSinceEpoch + WebAccess.sessionLifetime)
                #expect(try await second.snapshot(config: config, now: expired) { r in try r.webSession(tokenHash: "sso-hash") } == nil)
                let access = try await second.snapshot(config: config, now: later) { r in try r.webAccess() }
                #expect(access.invites.first?.createdBy == "proxy" && access.invites.first?.usedAt != nil, "the proxy's word is the invite")
                let audit = try await second.snapshot(config: config, now: later) { r in try r.auditRows(after: 0, limit: 100) }
                #expect(audit.first?.action == "web.signed-in" && audit.first?.actor == "web:li.wei")
            }
        }
    }
}
