/// A lease held: which lease, by whom, under which epoch, for how long at a time.
///
/// Why a value rather than a flag "I am the leader": every claim the leader makes (fire a reminder,
/// deliver an outbox row) carries this value into its transaction, where the fence checks that the
/// epoch is still the current one (`fenced`). A node that lost the lease cannot pass that check,
/// whatever it believes.
package struct LeaderLease: Equatable, Hashable, Sendable {
    /// The lease's name (one row of `leader_lease`), e.g. `scheduler`.
    package let name: String
    /// The node holding it: unique per running process, so a restarted node is a new holder.
    package let holder: String
    /// The holder's epoch: one more than the previous holder's.
    package let epoch: Int64
    /// How long each acquisition or renewal keeps the lease. The fence also uses it to bound how long
    /// a fenced transaction may stay idle (a stalled leader must not hold up a takeover).
    package let ttl: Duration
}

/// The state of a lease as the database sees it, for `obligctl cluster status` and health.
package struct LeaseStatus: Equatable, Sendable {
    /// The node that holds or last held the lease.
    package let holder: String
    /// Its epoch.
    package let epoch: Int64
    /// How long since this holder acquired it (database clock).
    package let heldFor: Duration
    /// How long until it expires unless renewed; zero or negative once expired.
    package let expiresIn: Duration
    /// The configuration fingerprint its holder runs under: the cluster's (empty before #16's nodes).
    package var fingerprint: String = ""

    /// Whether the lease is held now (not expired).
    package var isHeld: Bool { expiresIn > .zero }
}

/// The fence refused: `lease` is no longer the current one, so its holder must not act as leader.
///
/// Why a type of its own: the scheduler and delivery catch it to step down (stop firing and
/// delivering, try to acquire again), which they must not do for an ordinary database error.
package struct LeaseLost: Error, Equatable, Sendable, CustomStringConvertible {
    /// The lease the caller thought it held.
    package let lease: LeaderLease
    /// The lease row as found: its holder and epoch now, and whether it was still live; nil when
    /// there is no such row (released and removed, or never acquired).
    package let found: (holder: String, epoch: Int64, live: Bool)?

    /// Which lease, whose term ended, who holds it now, and what the node must do: for the journal.
    package var description: String {
        let now = found.map { "now \($0.holder) epoch \($0.epoch)" + ($0.live ? "" : ", expired") } ?? "no such lease"
        return "lease \(lease.name) lost by \(lease.holder) epoch \(lease.epoch) (\(now)); this node must not act as leader"
    }

    /// Field by field. Why by hand: a tuple member keeps Swift from deriving it.
    package static func == (a: Self, b: Self) -> Bool {
        a.lease == b.lease && a.found?.holder == b.found?.holder && a.found?.epoch == b.found?.epoch && a.found?.live == b.found?.live
    }
}

/// A leader's write or check on a node that holds no lease (it never led, or stepped down): what
/// `LeaseLost` is for a lease that was held.
package struct NotLeading: Error, Equatable, Sendable, CustomStringConvertible {
    /// The error; it carries nothing, since there is no lease to name.
    package init() {}
    /// Says the node must not act as leader, for the log of the refused write.
    package var description: String { "this node does not hold the lease, so it must not act as leader" }
}
