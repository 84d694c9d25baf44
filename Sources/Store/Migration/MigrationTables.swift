/// The tables `obligctl migrate` copies from SQLite to PostgreSQL, and each one's shape as the source
/// database gives it. Why one list in code and the columns from the database: the list fixes the
/// order (a parent before the rows that reference it, since PostgreSQL checks each foreign key as the
/// row arrives), and the columns cannot drift from the schema because they are read from it.
/// `MigrationTests` fails when a table of either schema is neither here nor in `notCopied`; `migrate`
/// refuses at run time when the source or the target has a table or a column these lists do not
/// account for.
package enum MigrationTables {
    /// Every table of the state, parents first.
    package static let copied = [
        "entity", "metricObservation", "event", "obligation", "reminderLedger", "acknowledgement", "classification", "feed",
        "webInvite", "webSession", "audit",
        "evidenceBlob", "evidence", "outbox", "delivery", "receiverPause", "agendaLedger", "derivationState", "idempotency"
    ]
    /// The tables of either schema that are not copied, each with the reason. Why a list with
    /// reasons and not a filter: a new table must be placed in `copied` or here on purpose
    /// (`MigrationTests` fails otherwise), and a table left out without a reason is lost state.
    package static let notCopied: [String: String] = [
        // SQLite's bookkeeping.
        "grdb_migrations": "SQLite's applied migrations; obligd records PostgreSQL's own in schema_migrations",
        "sqlite_sequence": "AUTOINCREMENT's counters; read to move PostgreSQL's identity sequences past them",
        // PostgreSQL's bookkeeping.
        "schema_migrations": "PostgreSQL's applied migrations, written when obligd creates the schema",
        // The running cluster's, not the state's: a SQLite obligd has neither. A target where a node
        // holds a live lease or has beaten is refused (`PostgresMigrationTarget.requireEmpty`).
        "leader_lease": "the lease of the cluster's leader, taken by the first obligd started on the copy",
        "cluster_node": "the heartbeats of running nodes, written by each obligd started on the copy"
    ]
    /// The tables of `notCopied` that only SQLite has.
    package static let sqliteOnly: Set<String> = ["grdb_migrations", "sqlite_sequence"]
    /// The tables of `notCopied` that only PostgreSQL has.
    package static let postgresOnly = Set(notCopied.keys).subtracting(sqliteOnly)

    /// One table as the source has it: its columns in declaration order and its primary key.
    package struct Shape: Sendable, Equatable {
        /// The table's name, as the schema spells it.
        package var name: String
        /// The columns, in the order `PRAGMA table_info` gives.
        package var columns: [String]
        /// The primary key's columns, in key order.
        package var key: [String]

        /// The order rows are copied and checksummed in: the primary key, except the outbox, whose
        /// insertion order (SQLite's `rowid`, PostgreSQL's `seq`) is what delivery follows.
        func order(_ dialect: SQLDialect) -> String {
            name == "outbox" ? ObligationStore.outboxOrder(dialect) : key.joined(separator: ", ")
        }
    }

    /// The tables of a SQLite database that are state (not SQLite's or GRDB's own).
    static func sqliteTables(_ sql: any SQLSession) throws -> Set<String> {
        let names = try sql.values(String.self, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        return Set(names).subtracting(sqliteOnly)
    }

    /// The shape of every copied table in the source, in copy order; refuses a source with a table
    /// this build would not copy (which `MigrationTests` keeps from shipping).
    static func shapes(_ sql: any SQLSession, source: String) throws -> [Shape] {
        let unknown = try sqliteTables(sql).subtracting(copied)
        guard unknown.isEmpty else {
            throw MigrationError.schemaDrift(
                "\(source) has table(s) \(unknown.sorted().joined(separator: ", ")) that this obligctl does not copy")
        }
        return try copied.map { table in
            var columns: [String] = []
            var key: [(Int, String)] = []
            try sql.forEach("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", [.text(table)]) { row in
                let name: String = try row.decode(0, "table_info.name")
                columns.append(name)
                let pk: Int = try row.decode(1, "table_info.pk")
                if pk > 0 { key.append((pk, name)) }
            }
            guard !columns.isEmpty, !key.isEmpty else {
                throw MigrationError.schemaDrift("\(source) has no table \(table) with a primary key, which this obligctl copies")
            }
            return Shape(name: table, columns: columns, key: key.sorted { $0.0 < $1.0 }.map(\.1))
        }
    }

    /// Checks that the target's columns of each table are the source's (PostgreSQL folds the names
    /// to lower case) plus, at most, identity columns the database fills itself (the outbox's `seq`).
    static func checkTarget(_ target: [String: [PostgresColumn]], _ shapes: [Shape], server: String) throws {
        let known = Set(copied.map { $0.lowercased() }).union(postgresOnly)
        let extra = Set(target.keys).subtracting(known)
        guard extra.isEmpty else {
            throw MigrationError.schemaDrift(
                "\(server) has table(s) \(extra.sorted().joined(separator: ", ")) that this obligctl does not fill")
        }
        for shape in shapes {
            let columns = target[shape.name.lowercased()] ?? []
            let copied = Set(shape.columns.map { $0.lowercased() })
            let filled = Set(columns.filter { $0.generatedAlways }.map(\.name))
            guard Set(columns.map(\.name)) == copied.union(filled), copied.isDisjoint(with: filled) else {
                throw MigrationError.schemaDrift(
                    "table \(shape.name) has columns \(shape.columns.joined(separator: ", ")) in the source and "
                        + "\(columns.map(\.name).joined(separator: ", ")) on \(server)")
            }
        }
    }
}

/// A column of a PostgreSQL table, as `information_schema` describes it.
package struct PostgresColumn: Sendable, Equatable {
    /// The column's name (lower case, as PostgreSQL folded it).
    package var name: String
    /// An identity column the database fills and a row cannot set (`GENERATED ALWAYS`).
    package var generatedAlways: Bool
    /// An identity column a row may set (`GENERATED BY DEFAULT`): its sequence is moved past the copy.
    package var generatedByDefault: Bool
}
