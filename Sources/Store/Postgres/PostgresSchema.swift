/// The PostgreSQL schema of obligd, as the ordered list of its migrations.
/// Why a list apart from the mechanism (`PostgresMigrations`): adding a table is adding an entry
/// here, at the end; an entry that has shipped is never edited, since databases recorded it as applied.
package enum PostgresSchema {
    /// Every migration, oldest first.
    package static let migrations: [PostgresMigration] = [leaderLease]

    /// The leader's lease (issue #16): one row per lease name; `epoch` grows by one with each new
    /// holder, so a claim can check in its own transaction that its holder still leads (the fence).
    /// Times are the database's (`now()`), never a node's clock.
    static let leaderLease = PostgresMigration(
        "001-leader-lease",
        [
            """
            CREATE TABLE leader_lease (
                name text PRIMARY KEY,
                holder text NOT NULL,
                epoch bigint NOT NULL CHECK (epoch > 0),
                expires_at timestamptz NOT NULL,
                acquired_at timestamptz NOT NULL
            )
            """
        ])
}
