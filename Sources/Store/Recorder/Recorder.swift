import DeadlineKit
import Foundation
import GRDB
import Rules

/// Records facts and derives obligations inside one transaction: a fact and the obligations, audit rows
/// and notifications it causes are committed together or not at all.
package struct Recorder {
    /// The transaction's statements, on whichever backend runs it.
    let sql: any SQLSession
    /// The configuration the transaction derives under (calendars, rule packs, reminder settings).
    package let config: Rules.Configuration
    /// The transaction's time, passed in: Store never reads the clock, so tests drive the same code.
    package let now: Instant
    /// Who the audit rows name (the peer's user, `web:NAME`, or obligd for derived changes).
    package let actor: String
    /// Entities and zones already looked up in this transaction (imports touch the same few many times).
    let lookups = Lookups()

    /// An entity's metric, as a dictionary key.
    struct MetricKey: Hashable {
        var entity: String
        var metric: String
    }

    final class Lookups {
        var entities: [String: Entity] = [:]
        var zones: [String: Zone] = [:]
        /// Randomness for the outbox ids this transaction writes.
        var ids = OutboxIDRandom()
        /// The audit chain's last row as this Recorder left it (nil until its first audit row).
        var auditTip: AuditTrail.Tip?
        /// Per entity's metric, the latest instant any report of it has, as far as this transaction
        /// knows (`latestObserved`).
        var latestObserved: [MetricKey: Int64] = [:]
    }

    /// A Recorder on a GRDB connection's transaction (SQLite; tests that write through the pool).
    init(db: Database, config: Rules.Configuration, now: Instant, actor: String) {
        self.init(sql: SQLiteSession(db), config: config, now: now, actor: actor)
    }

    init(sql: any SQLSession, config: Rules.Configuration, now: Instant, actor: String) {
        self.sql = sql
        self.config = config
        self.now = now
        self.actor = actor
    }

    func zone(_ e: Entity) throws -> Zone {
        if let z = lookups.zones[e.zone] { return z }
        let z = try Zone(e.zone)
        lookups.zones[e.zone] = z
        return z
    }

    /// The zone entity `id` counts its legal days in (looked up once per transaction).
    package func zone(ofEntity id: String) throws -> Zone { try zone(entity(id)) }

    /// Entity `id`, looked up once per transaction; an unknown id is an invalid `field` with how to add it.
    package func entity(_ id: String, field: String = "entity") throws -> Entity {
        if let e = lookups.entities[id] { return e }
        // A NUL would end the id early in SQLite's C API: "acme\0x" must not find "acme".
        try Limits.check(id, field: field, max: Limits.name)
        guard let e = try sql.one(Entity.self, "SELECT * FROM entity WHERE id = ?", [id]) else {
            throw StoreError.invalid(field: field, problem: "no entity '\(id)'", fix: "add it first with obligctl entity add \(id) NAME")
        }
        lookups.entities[id] = e
        return e
    }

    /// What a Recorder verb did, for the API's answer and the CLI: what it opened, moved, flagged or lapsed.
    package struct Outcome: Sendable {
        /// The id of the fact recorded (or of the earlier one it duplicated); 0 for a pass that recorded none.
        package var factId: Int64
        /// An outcome that has done nothing yet beyond recording fact `factId`.
        package init(factId: Int64) { self.factId = factId }
        /// Obligations opened by it.
        package var opened: [Obligation] = []
        /// Open obligations whose due day it moved.
        package var moved: [Obligation] = []
        /// The fact was recorded before (same event or report): nothing new was written.
        package var duplicate = false
        /// The earlier report of the same instant that this one superseded.
        package var superseded: Int64?
        /// Obligations the facts no longer give after a correction: left open, flagged.
        package var flagged: [Obligation] = []
        /// Open obligations derived from an event that does not state an attribute the rule's
        /// condition reads (an incident without `severity`): opened in case it applies, and flagged.
        package var unstated: [Obligation] = []
        /// Obligations an event lapsed (a certificate suspended or revoked): neither done nor waived.
        package var lapsed: [Obligation] = []
        /// Lapsed obligations reopened (a suspension lifted, or the event that lapsed them retracted).
        package var reinstated: [Obligation] = []
        /// Classifications this fact began or ended (the span as it now stands).
        package var classifications: [ClassificationRecord] = []
        /// Every (entity, trigger) a rule derived, whether opened, moved or unchanged: a re-derivation
        /// uses it to find the obligations the facts no longer give.
        package var derived: Set<DerivedKey> = []
    }

    /// An obligation's identity within its rule.
    package struct DerivedKey: Hashable, Sendable {
        /// The entity's id.
        package var entity: String
        /// What opened the obligation.
        package var trigger: TriggerKey
        /// The key of the obligation derived for `entity` from `trigger`.
        package init(entity: String, trigger: TriggerKey) {
            self.entity = entity
            self.trigger = trigger
        }
    }

    func instant(of start: Start?, zone: Zone) -> Instant {
        switch start {
        case nil: now
        case let .day(d)?: zone.instant(d)
        case let .instant(i)?: i
        }
    }

}
