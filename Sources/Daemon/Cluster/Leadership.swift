import Synchronization

/// This node's place in the cluster, as `LeadershipService` last found it; read by health, the
/// status line and `obligctl cluster status`, and followed by `LeaderDutiesService`.
final class Leadership: Sendable {
    enum Role: Sendable, Equatable {
        /// SQLite: the only obligd on its state, always leading.
        case standalone
        /// Holds the database's lease under `epoch`.
        case leader(epoch: Int64)
        /// Another node leads; this one serves the API and takes over if the leader goes.
        case follower(leader: String, epoch: Int64)
        /// Another node leads with a configuration this one does not share (`cluster` against this
        /// node's `own` fingerprint): it will not lead while a node sharing the cluster's runs.
        case disagrees(leader: String, cluster: String, own: String)
        /// The database cannot be reached (`reason`): not leading, since the lease cannot be renewed.
        case unreachable(reason: String)

        var isLeading: Bool {
            switch self {
            case .standalone, .leader: true
            default: false
            }
        }

        /// `standalone`, `leader`, `follower`, `disagrees` or `unreachable`.
        var name: String {
            switch self {
            case .standalone: "standalone"
            case .leader: "leader"
            case .follower: "follower"
            case .disagrees: "disagrees"
            case .unreachable: "unreachable"
            }
        }

        /// The status line's prefix, e.g. "follower of host:123".
        var summary: String {
            switch self {
            case .standalone: ""
            case let .leader(epoch): "leader (epoch \(epoch))"
            case let .follower(leader, _): "follower of \(leader)"
            case let .disagrees(leader, cluster, own):
                "CONFIGURATION DIFFERS from the cluster's (this node \(own), leader \(leader) \(cluster)): not leading"
            case let .unreachable(reason): "DATABASE UNREACHABLE: \(reason)"
            }
        }
    }

    private let state: Mutex<(role: Role, watchers: [AsyncStream<Bool>.Continuation], finished: Bool)>

    init(_ role: Role) { state = Mutex((role, [], false)) }

    var role: Role { state.withLock { $0.role } }

    /// Sets the role; watchers hear when leading starts or ends.
    func set(_ role: Role) {
        let (changed, watchers) = state.withLock { s in
            let changed = s.role.isLeading != role.isLeading
            s.role = role
            return (changed, s.watchers)
        }
        if changed { for w in watchers { w.yield(role.isLeading) } }
    }

    /// Whether this node leads: now, then at each change.
    func leading() -> AsyncStream<Bool> {
        let (stream, continuation) = AsyncStream<Bool>.makeStream(bufferingPolicy: .bufferingNewest(1))
        state.withLock { s in
            continuation.yield(s.role.isLeading)
            if s.finished { continuation.finish() } else { s.watchers.append(continuation) }
        }
        return stream
    }

    /// Ends every `leading()` stream, now and later: the daemon is stopping.
    func finish() {
        let watchers = state.withLock { s in
            s.finished = true
            return s.watchers
        }
        for w in watchers { w.finish() }
    }
}
