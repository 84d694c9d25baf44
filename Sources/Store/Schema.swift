import Foundation
import GRDB
import Rules

/// The database schema as a sequence of migrations. Instants are INTEGER seconds since the Unix epoch
/// (UTC); legal days are TEXT `YYYY-MM-DD` in the entity's zone.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "entity") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("zone", .text).notNull().defaults(to: "Asia/Shanghai")
                t.column("region", .text).notNull().defaults(to: "cn")
                t.column("owner", .text)
                t.column("labels", .text).notNull().defaults(to: "{}")
                t.column("createdAt", .integer).notNull()
            }
            try db.create(table: "metricObservation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("entity", onDelete: .restrict).notNull()
                t.column("metric", .text).notNull()
                t.column("value", .integer).notNull()
                t.column("observedAt", .integer).notNull()
                t.column("recordedAt", .integer).notNull()
            }
            try db.create(index: "metricObservation_history", on: "metricObservation", columns: ["entityId", "metric", "observedAt"])
            try db.create(table: "event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("entity", onDelete: .restrict).notNull()
                t.column("kind", .text).notNull()
                t.column("at", .integer).notNull()
                t.column("atIsDay", .boolean).notNull()
                t.column("ref", .text)
                t.column("attributes", .text).notNull().defaults(to: "{}")
                t.column("recordedAt", .integer).notNull()
            }
            try db.create(table: "obligation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("entity", onDelete: .restrict).notNull()
                t.column("ruleId", .text)
                t.column("title", .text).notNull()
                // What opened it: "metric:<name>#<n>", "event:<id>", "custom", "recurrence:<obligation id>".
                t.column("triggerKey", .text).notNull()
                t.column("start", .text).notNull()
                t.column("period", .text).notNull()
                t.column("roll", .text)
                t.column("due", .text).notNull()
                t.column("dueInstant", .integer).notNull()
                t.column("calendars", .text).notNull()
                t.column("provisional", .boolean).notNull()
                t.column("status", .text).notNull().defaults(to: "open")
                    .check { ["open", "done", "waived"].contains($0) }
                // The next reminder stage to fire, or NULL when none is left (closed, or no overdue stages).
                t.column("nextStageIndex", .integer)
                t.column("nextReminderAt", .integer)
                t.column("closedOn", .text)
                t.column("closedNote", .text)
                t.column("createdAt", .integer).notNull()
                t.column("updatedAt", .integer).notNull()
                t.uniqueKey(["entityId", "ruleId", "triggerKey"])
            }
            try db.create(index: "obligation_open_due", on: "obligation", columns: ["status", "dueInstant"])
            try db.execute(sql: "CREATE INDEX obligation_next_reminder ON obligation(nextReminderAt) WHERE nextReminderAt IS NOT NULL")
            try db.create(table: "reminderLedger") { t in
                t.belongsTo("obligation", onDelete: .cascade).notNull()
                t.column("stage", .text).notNull()
                t.column("dueAt", .integer).notNull()
                t.column("firedAt", .integer).notNull()
                t.column("late", .boolean).notNull()
                t.primaryKey(["obligationId", "stage"])
            }
            try db.create(table: "audit") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull()
                t.column("subject", .text).notNull()
                t.column("before", .text)
                t.column("after", .text)
                t.column("note", .text)
            }
            try db.create(index: "audit_subject", on: "audit", columns: ["subject"])
            // Append-only: the audit log cannot be edited or truncated through SQL.
            try db.execute(
                sql: """
                    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
                    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
                    """)
            try db.create(table: "outbox") { t in
                t.primaryKey("id", .text)
                t.column("createdAt", .integer).notNull()
                t.column("kind", .text).notNull()
                t.belongsTo("obligation", onDelete: .setNull)
                t.column("payload", .text).notNull()
                t.column("status", .text).notNull().defaults(to: "pending")
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("lastError", .text)
            }
            try db.create(index: "outbox_pending", on: "outbox", columns: ["status", "createdAt"])
            try db.create(table: "idempotency") { t in
                t.primaryKey("key", .text)
                t.column("request", .text).notNull()
                t.column("status", .integer).notNull()
                t.column("response", .blob).notNull()
                t.column("createdAt", .integer).notNull()
            }
        }
        // Delivery of outbox rows to webhook receivers: one row per (outbox row, receiver), so each
        // receiver's progress, retries and dead letters are tracked apart. Instants here are INTEGER
        // milliseconds since the Unix epoch (backoff and rate limits work below a second).
        m.registerMigration("v2-delivery") { db in
            try db.create(table: "delivery") { t in
                // Also the per-receiver order: rows are created in outbox order and sent by ascending id.
                t.autoIncrementedPrimaryKey("id")
                t.column("outboxId", .text).notNull().references("outbox", onDelete: .cascade)
                t.column("receiver", .text).notNull()
                t.column("status", .text).notNull().defaults(to: "pending")
                    .check { ["pending", "delivered", "dead", "dropped"].contains($0) }
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("createdAt", .integer).notNull()
                t.column("firstAttemptAt", .integer)
                t.column("lastAttemptAt", .integer)
                t.column("nextAttemptAt", .integer).notNull()
                t.column("lastError", .text)
                t.column("lastHTTPStatus", .integer)
                t.column("deliveredAt", .integer)
                t.uniqueKey(["outboxId", "receiver"])
            }
            try db.create(index: "delivery_queue", on: "delivery", columns: ["receiver", "status", "id"])
        }
        // What the stored obligations were last derived under: a fingerprint per calendar year and per
        // rule, so a start or a reload recomputes exactly what changed since, even while obligd was
        // stopped (an upgrade that ships a new calendar year).
        m.registerMigration("v3-derivation-state") { db in
            try db.create(table: "derivationState") { t in
                t.primaryKey("key", .text)
                t.column("value", .text).notNull()
            }
        }
        // Lanes and pauses: each receiver serves reminders ahead of change notices, and a receiver that
        // answered that it is misconfigured is paused (its queue kept, its head probed) instead of
        // dead-lettering what it is owed.
        m.registerMigration("v4-delivery-lanes") { db in
            try db.alter(table: "delivery") { t in
                t.add(column: "lane", .integer).notNull().defaults(to: DeliveryLane.change.rawValue)
                // The digest a change notice is sent in: members are fixed at the first attempt, so a
                // retry repeats the same message under the same webhook-id.
                t.add(column: "digest", .text)
            }
            try db.execute(
                sql: """
                    UPDATE delivery SET lane = 0 WHERE outboxId IN (SELECT id FROM outbox WHERE kind IN ('reminder', 'delivery.failing'))
                    """)
            try db.drop(index: "delivery_queue")
            try db.create(index: "delivery_lane", on: "delivery", columns: ["receiver", "status", "lane", "id"])
            try db.create(index: "delivery_status", on: "delivery", columns: ["status", "receiver"])
            try db.execute(sql: "CREATE INDEX delivery_digest ON delivery(receiver, digest) WHERE digest IS NOT NULL")
            try db.create(table: "receiverPause") { t in
                t.primaryKey("receiver", .text)
                t.column("since", .integer).notNull()
                t.column("reason", .text).notNull()
                t.column("probes", .integer).notNull()
                t.column("nextProbeAt", .integer).notNull()
            }
        }
        // Acknowledgements: who has taken an open obligation, which reduces its reminders.
        m.registerMigration("v5-acknowledgement") { db in
            try db.create(table: "acknowledgement") { t in
                t.primaryKey("obligationId", .integer).references("obligation", onDelete: .cascade)
                t.column("actor", .text).notNull()
                t.column("note", .text).notNull()
                t.column("at", .integer).notNull()
                t.column("until", .text)
            }
        }
        // Daily agendas: one per (receiver, local day), queued with its outbox row.
        m.registerMigration("v6-agenda") { db in
            try db.create(table: "agendaLedger") { t in
                t.column("receiver", .text).notNull()
                t.column("day", .text).notNull()
                t.column("queuedAt", .integer).notNull()
                t.primaryKey(["receiver", "day"])
            }
        }
        m.registerMigration("v7-audit-chain") { db in
            // Each audit row carries the hash that chains it to the one before (AuditTrail). Rows from
            // before are chained in id order; the append-only triggers are lifted for that and restored.
            try db.alter(table: "audit") { t in t.add(column: "hash", .text) }
            try db.execute(sql: "DROP TRIGGER audit_no_update")
            try AuditTrail.chainExistingRows(db)
            try db.execute(
                sql: "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;")
        }
        m.registerMigration("v8-recurrence") { db in
            // A recurring rule's open obligations by due instant: the scheduler wakes at the next one to
            // open its successor (Recorder+Recurrence).
            try db.create(index: "obligation_rule_open_due", on: "obligation", columns: ["ruleId", "status", "dueInstant"])
        }
        m.registerMigration("v9-fact-corrections") { db in
            // Facts are corrected, never deleted: a retracted or superseded fact keeps its row with when
            // and why (the audit trail has the same), and no longer derives anything.
            try db.alter(table: "metricObservation") { t in
                t.add(column: "retractedAt", .integer)
                t.add(column: "retractedNote", .text)
                t.add(column: "supersededBy", .integer)
            }
            try db.alter(table: "event") { t in
                t.add(column: "retractedAt", .integer)
                t.add(column: "retractedNote", .text)
            }
            // Recognising the same event again (an import run twice) by its entity, kind and reference.
            try db.create(index: "event_identity", on: "event", columns: ["entityId", "kind", "ref"])
        }
        m.registerMigration("v10-classification") { db in
            // The spans during which an entity met a classification rule's thresholds (a large platform,
            // the certification route), derived from its reports; `until` is NULL while it holds.
            try db.create(table: "classification") { t in
                t.belongsTo("entity", onDelete: .restrict).notNull()
                t.column("ruleId", .text).notNull()
                t.column("since", .text).notNull()
                t.column("sinceInstant", .integer).notNull()
                t.column("until", .text)
                t.column("untilInstant", .integer)
                t.primaryKey(["entityId", "ruleId", "sinceInstant"])
            }
        }
        m.registerMigration("v11-feed") { db in
            // Calendar feeds at token URLs on the read-only TCP listener; only the token's hash is kept.
            try db.create(table: "feed") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("tokenHash", .text).notNull().unique()
                t.column("label", .text).notNull()
                t.belongsTo("entity", onDelete: .restrict)
                t.column("createdAt", .integer).notNull()
                t.column("createdBy", .text).notNull()
                t.column("revokedAt", .integer)
            }
        }
        // A delivery may be superseded (a reminder whose obligation was closed before it could go, #34).
        // SQLite cannot change a CHECK in place: the table is built again with the same columns and ids.
        m.registerMigration("v12-delivery-superseded") { db in
            try db.create(table: "delivery_new") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("outboxId", .text).notNull().references("outbox", onDelete: .cascade)
                t.column("receiver", .text).notNull()
                t.column("status", .text).notNull().defaults(to: "pending")
                    .check { DeliveryStatus.allCases.map(\.rawValue).contains($0) }
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("createdAt", .integer).notNull()
                t.column("firstAttemptAt", .integer)
                t.column("lastAttemptAt", .integer)
                t.column("nextAttemptAt", .integer).notNull()
                t.column("lastError", .text)
                t.column("lastHTTPStatus", .integer)
                t.column("deliveredAt", .integer)
                t.uniqueKey(["outboxId", "receiver"])
                t.column("lane", .integer).notNull().defaults(to: DeliveryLane.change.rawValue)
                t.column("digest", .text)
            }
            try db.execute(sql: "INSERT INTO delivery_new SELECT * FROM delivery")
            try db.drop(table: "delivery")
            try db.rename(table: "delivery_new", to: "delivery")
            try db.create(index: "delivery_lane", on: "delivery", columns: ["receiver", "status", "lane", "id"])
            try db.create(index: "delivery_status", on: "delivery", columns: ["status", "receiver"])
            try db.execute(sql: "CREATE INDEX delivery_digest ON delivery(receiver, digest) WHERE digest IS NOT NULL")
        }
        // The web view's invites and sessions (#36): only their tokens' hashes are kept.
        m.registerMigration("v13-web") { db in
            try db.create(table: "webInvite") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("tokenHash", .text).notNull().unique()
                t.column("person", .text).notNull()
                t.column("role", .text).notNull().check { WebRole.allCases.map(\.rawValue).contains($0) }
                t.column("createdAt", .integer).notNull()
                t.column("createdBy", .text).notNull()
                t.column("expiresAt", .integer).notNull()
                t.column("usedAt", .integer)
                t.column("revokedAt", .integer)
            }
            try db.create(table: "webSession") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("tokenHash", .text).notNull().unique()
                t.column("person", .text).notNull()
                t.column("role", .text).notNull().check { WebRole.allCases.map(\.rawValue).contains($0) }
                t.column("createdAt", .integer).notNull()
                t.column("expiresAt", .integer).notNull()
                t.column("endedAt", .integer)
                t.column("inviteId", .integer).notNull().references("webInvite", onDelete: .restrict)
            }
            try db.create(index: "webSession_person", on: "webSession", columns: ["person"])
        }
        // Evidence (#32): files kept once per SHA-256 (`evidenceBlob`, content-addressed) and each
        // obligation's numbered items naming one, with the audit row that recorded the addition.
        // Append-only, as the audit trail: evidence is never removed or replaced.
        m.registerMigration("v14-evidence") { db in
            try db.create(table: "evidenceBlob") { t in
                t.primaryKey("sha256", .text)
                t.column("size", .integer).notNull()
                t.column("content", .blob).notNull()
            }
            try db.create(table: "evidence") { t in
                t.column("obligationId", .integer).notNull().references("obligation", onDelete: .restrict)
                t.column("number", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("mediaType", .text).notNull()
                t.column("size", .integer).notNull()
                t.column("sha256", .text).notNull().references("evidenceBlob", onDelete: .restrict)
                t.column("reference", .text)
                t.column("addedAt", .integer).notNull()
                t.column("actor", .text).notNull()
                t.column("auditId", .integer).notNull()
                t.primaryKey(["obligationId", "number"])
            }
            try db.execute(
                sql: """
                    CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
                    CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
                    CREATE TRIGGER evidenceBlob_no_update BEFORE UPDATE ON evidenceBlob
                      BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
                    CREATE TRIGGER evidenceBlob_no_delete BEFORE DELETE ON evidenceBlob
                      BEGIN SELECT RAISE(ABORT, 'evidence is append-only'); END;
                    """)
        }
        // Issue #31: an obligation may lapse (a certificate suspended or revoked ends its renewal duty,
        // neither done nor waived), and an entity has attributes rules read (ciio, important_data).
        // SQLite cannot change a CHECK in place: the obligation table is built again from its own
        // definition (with every column later migrations added), the same rows and ids, and its indexes.
        m.registerMigration("v15-lapsed-entity-attributes") { db in
            let statuses = "('open', 'done', 'waived')"
            guard
                let create = try String.fetchOne(
                    db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'obligation'"),
                create.contains(statuses), create.hasPrefix("CREATE TABLE \"obligation\"")
            else {
                throw DatabaseError(message: "v15-lapsed-entity-attributes: the obligation table is not as v1 created it")
            }
            let indexes = try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'obligation' AND sql IS NOT NULL")
            let rebuilt =
                "CREATE TABLE \"obligation_new\""
                + create.dropFirst("CREATE TABLE \"obligation\"".count)
                .replacingOccurrences(of: statuses, with: "('open', 'done', 'waived', 'lapsed')")
            try db.execute(sql: rebuilt)
            try db.execute(sql: "INSERT INTO obligation_new SELECT * FROM obligation")
            try db.drop(table: "obligation")
            try db.rename(table: "obligation_new", to: "obligation")
            for index in indexes { try db.execute(sql: index) }
            try db.alter(table: "entity") { t in t.add(column: "attributes", .text).notNull().defaults(to: "{}") }
        }
        return m
    }
}
