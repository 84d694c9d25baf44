import APIModel
import GRDB

/// A receiver that answered that its configuration is wrong (a bad signature or token, an IP or keyword
/// check, HTTP 401/403/404/410). Retrying the same message cannot help until someone fixes it, but the
/// messages are still owed: the receiver's queue is kept in order and only its head is re-sent as a
/// probe, with backoff, until the receiver accepts it. One row per paused receiver (migration v4).
/// Instants are epoch milliseconds.
package struct ReceiverPause: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord, SQLRecord {
    /// GRDB's table name; kept equal to `tableName` so both backends read the same table.
    package static let databaseTableName = "receiverPause"
    /// The SQL table its rows live in, for `SQLRecord`'s statements on both backends.
    package static var tableName: String { databaseTableName }
    /// The paused receiver's name; one row per receiver.
    package var receiver: String
    /// When the pause began (epoch milliseconds).
    package var since: Int64
    /// Why it was paused (what the receiver answered), for the operator who must fix it.
    package var reason: String
    /// Probes sent since the pause began (each failed).
    package var probes: Int
    /// When the head is next re-sent as a probe (epoch milliseconds), after backoff.
    package var nextProbeAt: Int64
}

/// Where one receiver's queue stands, for status, health and `obligctl outbox`.
package struct ReceiverQueue: Sendable, Equatable {
    /// The receiver's name as obligd.json configures it.
    package var receiver: String
    /// Messages still owed to it.
    package var pending: Int
    /// When the oldest pending message was routed to it (epoch ms), if any.
    package var oldestPendingAt: Int64?
    /// Messages given up (dead letters) that nobody has retried or dropped yet.
    package var dead: Int
    /// The head's failures when it is being retried after transient errors.
    package var failingSince: Int64?
    /// The head's last error, if it failed.
    package var lastError: String?
    /// Its pause, when it answered that it is misconfigured; nil otherwise.
    package var pause: ReceiverPause?
    /// False for a receiver no longer in the configuration that still has messages or a pause: what
    /// it is owed is kept (it is sent if the receiver comes back) but does not degrade health.
    package var configured: Bool

    /// A queue with nothing owed unless given; Store fills it from the delivery and pause tables.
    package init(
        receiver: String, pending: Int = 0, oldestPendingAt: Int64? = nil, dead: Int = 0,
        failingSince: Int64? = nil, lastError: String? = nil, pause: ReceiverPause? = nil, configured: Bool = true
    ) {
        self.receiver = receiver
        self.pending = pending
        self.oldestPendingAt = oldestPendingAt
        self.dead = dead
        self.failingSince = failingSince
        self.lastError = lastError
        self.pause = pause
        self.configured = configured
    }

    /// `ok`, `failing` (transient errors, retried), `paused` (misconfigured, probed), `dead-letters`
    /// (messages given up that nobody has retried or dropped yet) or `unconfigured`.
    package var state: ReceiverState {
        if !configured { return .unconfigured }
        if pause != nil { return .paused }
        if failingSince != nil { return .failing }
        if dead > 0 { return .deadLetters }
        return .ok
    }
}
