import Foundation
import GRDB

/// A calendar feed an officer subscribes to from a calendar client that cannot reach obligd's Unix
/// socket: the open obligations (of one entity, or all) as iCalendar at an unguessable URL on the
/// read-only TCP listener. Only the SHA-256 of the URL's token is stored, so the database and its
/// backups do not hold working URLs; the token is shown once, when the feed is added. Migration v11.
package struct Feed: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "feed"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// Store's row id; nil until inserted. `obligctl feed revoke` names the feed by it.
    package var id: Int64?
    /// Hex SHA-256 of the token.
    package var tokenHash: String
    /// Whose calendar it is, e.g. "Li Wei's Outlook".
    package var label: String
    /// Only this entity's obligations; nil for all.
    package var entityId: String?
    /// Epoch seconds, and the actor who added it.
    package var createdAt: Int64
    /// The actor who added it.
    package var createdBy: String
    /// Epoch seconds; a revoked feed answers 404 like a token that never existed.
    package var revokedAt: Int64?

    /// Keeps the id the database assigned.
    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

extension Recorder {
    /// Adds a feed for the token whose SHA-256 is `tokenHash`. Audited (the label and scope, never the token).
    package func addFeed(label: String, entity: String?, tokenHash: String) throws -> Feed {
        try Limits.check(label, field: "label", max: Limits.name)
        guard !label.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw StoreError.invalid(
                field: "label", problem: "a feed needs a label", fix: "say whose calendar it is, e.g. --label \"Li Wei\"")
        }
        if let entity { _ = try self.entity(entity) }
        var feed = Feed(
            tokenHash: tokenHash, label: label, entityId: entity, createdAt: now.secondsSinceEpoch, createdBy: actor)
        feed.id = try sql.insert(feed)
        try audit(
            .feedAdded, subject: "feed:\(feed.id ?? 0)", before: nil,
            after: "calendar feed \"\(label)\" of " + (entity.map { "entity \($0)" } ?? "every entity"))
        return feed
    }

    /// Every feed, revoked ones included, oldest first.
    package func feeds() throws -> [Feed] { try sql.all(Feed.self, "SELECT * FROM feed ORDER BY id") }

    /// The live feed of a token's hash, nil when none (or revoked).
    package func feed(tokenHash: String) throws -> Feed? {
        try sql.one(Feed.self, "SELECT * FROM feed WHERE tokenHash = ? AND revokedAt IS NULL LIMIT 1", [tokenHash])
    }

    /// Revokes feed `id`: its URL answers 404 from now on. Audited; revoking twice is a conflict.
    package func revokeFeed(_ id: Int64) throws -> Feed {
        guard var feed = try sql.one(Feed.self, "SELECT * FROM feed WHERE id = ?", [id]) else { throw StoreError.notFound("feed \(id)") }
        guard feed.revokedAt == nil else { throw StoreError.conflict("feed \(id) (\(feed.label)) is already revoked") }
        feed.revokedAt = now.secondsSinceEpoch
        try sql.execute("UPDATE feed SET revokedAt = ? WHERE id = ?", feed.revokedAt, id)
        try audit(.feedRevoked, subject: "feed:\(id)", before: "calendar feed \"\(feed.label)\"", after: "revoked")
        return feed
    }
}
