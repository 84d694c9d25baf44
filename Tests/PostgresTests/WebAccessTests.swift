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
}
