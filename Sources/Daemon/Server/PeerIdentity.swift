import APIModel
import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// `struct ucred` of <sys/socket.h> (glibc hides it without _GNU_SOURCE): what SO_PEERCRED returns.
private struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// SO_PEERCRED on Linux (asm-generic/socket.h).
private let soPeerCred: Int32 = 17

/// Who is on the other end of the API socket, as the kernel says (SO_PEERCRED), never as the client
/// says: the audit trail's actor. A client may add whom it acts for (`X-Obligd-Actor`), recorded as
/// "on behalf of" beside the verified user.
package struct PeerIdentity: Sendable, Equatable {
    /// The peer's uid as SO_PEERCRED gives it; what `AccessPolicy` checks first.
    package var uid: uid_t
    /// The uid's user name, or `uid:N` when it has none: the audit trail's actor.
    package var user: String
    /// The peer process and its primary group, for `groups()`.
    package var pid: Int32 = 0
    /// Its primary group.
    package var gid: gid_t = 0

    /// The peer process's groups (primary and supplementary), as the kernel holds them: what decides the
    /// role of a caller that is neither root nor obligd's own user (`AccessPolicy`). Read only when
    /// needed: parsing /proc on every request cost a seventh of a metric report.
    package func groups() -> Set<gid_t> { Self.groups(of: pid, user: user, primary: gid) }

    /// The header the socket server sets on every request (a client's own is removed first), so routes
    /// read the verified identity from the request.
    package static let header = "X-Obligd-Peer"

    /// Names already looked up: the peer is asked for on every request, and `getpwuid_r` reads the
    /// user database each time.
    private static let names = Mutex<[uid_t: String]>([:])

    /// The user name of `uid`, or `uid:N` when it has none (looked up once per uid).
    package static func user(of uid: uid_t) -> String {
        if let known = names.withLock({ $0[uid] }) { return known }
        let name = lookUp(uid)
        names.withLock { $0[uid] = name }
        return name
    }

    private static func lookUp(_ uid: uid_t) -> String {
        var pwd = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getpwuid_r(uid, &pwd, &buffer, buffer.count, &result) == 0, result != nil, let name = pwd.pw_name else { return "uid:\(uid)" }
        return String(cString: name)
    }

    /// The credentials of the peer of `channel` (a Unix socket connection); nil if it has none.
    package static func of(_ channel: any Channel) async -> PeerIdentity? {
        guard let provider = channel as? any SocketOptionProvider else { return nil }
        let cred: PeerCredentials? = try? await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(soPeerCred)
        ).get()
        guard let cred, cred.pid > 0 else { return nil }
        return PeerIdentity(uid: cred.uid, user: user(of: cred.uid), pid: cred.pid, gid: cred.gid)
    }

    /// The groups of process `pid` from /proc (its `Groups:` line) and its primary group. Under systemd's
    /// ProtectProc=invisible obligd cannot see other users' processes: then the groups the user
    /// database gives `user` (getgrouplist), which is what group membership means there.
    static func groups(of pid: Int32, user: String, primary: gid_t) -> Set<gid_t> {
        var result: Set<gid_t> = [primary]
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Groups:") })
        else { return result.union(memberships(of: user, primary: primary)) }
        for field in line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            if let g = gid_t(field) { result.insert(g) }
        }
        return result
    }

    /// The groups the user database lists for `user`.
    static func memberships(of user: String, primary: gid_t) -> Set<gid_t> {
        guard !user.hasPrefix("uid:") else { return [] }
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(user, primary, &list, &count) == -1 {
            list = [gid_t](repeating: 0, count: Int(count))
            guard getgrouplist(user, primary, &list, &count) != -1 else { return [] }
        }
        return Set(list.prefix(Int(count)))
    }

    /// The actor of `req`: the verified peer the socket server put in `header`, and `X-Obligd-Actor`.
    package static func actor(of req: Request) throws -> String {
        try actor(verified: req.headers[.init(header)!], claimed: req.headers[.init("X-Obligd-Actor")!])
    }

    /// The actor an audit row records: the verified user, and whom a client says it acts for when that
    /// is someone else. Without a verified peer (an in-process test) the actor is `api`.
    package static func actor(verified: String?, claimed: String?) throws -> String {
        let who = verified ?? "api"
        guard let claimed, !claimed.isEmpty, claimed != who else { return who }
        guard claimed.utf8.count <= 64, !claimed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIErrorBody(
                error: "X-Obligd-Actor must be at most 64 characters without control characters", field: "X-Obligd-Actor",
                fix: "send the name of the person you act for, or leave the header out")
        }
        return "\(who) on behalf of \(claimed)"
    }
}
