import APIModel
import Foundation
import Rules

/// Who may do what over the API socket, decided from the kernel's view of the caller (its uid and
/// groups), never from what a client says.
///
/// Writers: root, the user obligd runs as, and members of the writers group (`obligd` by default).
/// Readers: members of an optional readers group (obligd.json `"access": {"readers": "auditors"}`),
/// who may read everything and change nothing (403). Anyone else who reaches the socket gets 403
/// for every request. With a readers group the socket is mode 0666 so that its members can connect;
/// without one it is 0660 and only the socket's group (and root) can.
package struct AccessPolicy: Sendable, Equatable {
    /// What a caller may do: `writer` everything, `reader` only reads, `none` nothing (403).
    package enum Role: String, Sendable { case writer, reader, none }

    /// The writers group; its gid is nil only when the default `obligd` group does not exist, and then
    /// only root and obligd's user write.
    package var writers: (name: String, gid: gid_t?)
    /// The optional readers group, with its gid; nil when obligd.json names none.
    package var readers: (name: String, gid: gid_t)?
    /// The uid obligd runs as: it may always write.
    package var serviceUID: uid_t

    /// Equal when the groups and the service user are; written out because tuples are not `Equatable`.
    package static func == (a: AccessPolicy, b: AccessPolicy) -> Bool {
        a.writers.name == b.writers.name && a.writers.gid == b.writers.gid && a.readers?.name == b.readers?.name
            && a.readers?.gid == b.readers?.gid && a.serviceUID == b.serviceUID
    }

    /// The socket's mode: 0666 when a readers group must be able to connect, else 0660.
    package var socketMode: mode_t { readers == nil ? 0o660 : 0o666 }

    /// The caller's role from its credentials: root and obligd's user write, then the writers group,
    /// then the readers group.
    package func role(of peer: PeerIdentity) -> Role {
        if peer.uid == 0 || peer.uid == serviceUID { return .writer }
        let groups = peer.groups()
        if let gid = writers.gid, groups.contains(gid) { return .writer }
        if let readers, groups.contains(readers.gid) { return .reader }
        return .none
    }

    /// Whether a request reads only, whatever its method: a GET or HEAD, and the POST that checks an
    /// audit pack (its body is too large for a query), which writes nothing, so an auditor in the
    /// readers group may verify a pack.
    package static func isRead(_ method: String, path: String?) -> Bool {
        if method == "GET" || method == "HEAD" { return true }
        let route = path?.split(separator: "?", maxSplits: 1).first.map(String.init)
        return method == "POST" && route == "/v1/reports/verify"
    }

    /// The 403 for `peer` doing `method`, nil when it may.
    package func refusal(of peer: PeerIdentity, method: String) -> APIErrorBody? {
        let role = role(of: peer)
        let reads = method == "GET" || method == "HEAD"
        switch role {
        case .writer: return nil
        case .reader where reads: return nil
        case .reader:
            return APIErrorBody(
                error: "user \(peer.user) may only read: members of group \(readers!.name) cannot change anything",
                field: nil, fix: "ask an administrator to add \(peer.user) to group \(writers.name) to make changes")
        case .none:
            let groups = [writers.name] + (readers.map { [$0.name] } ?? [])
            return APIErrorBody(
                error: "user \(peer.user) is not allowed to use obligd",
                field: nil, fix: "ask an administrator to add \(peer.user) to group \(groups.joined(separator: " or "))")
        }
    }

    /// Reads `access` from obligd.json: `{"writers": "obligd", "readers": "auditors"}`, both optional.
    /// A readers group that does not exist is an error; a writers group that does not exist (a
    /// development machine without the `obligd` group) leaves root and the service user as writers.
    package static func load(_ configuration: Configuration, serviceUID: uid_t = geteuid()) throws(ConfigError) -> AccessPolicy {
        var policy = AccessPolicy(writers: ("obligd", gid(of: "obligd")), readers: nil, serviceUID: serviceUID)
        guard let data = configuration.files["obligd.json"] else { return policy }
        let label = configuration.label("obligd.json")
        let root = try JSONObject.parse(data, file: label)
        guard let access = try root.optionalObject("access") else { return policy }
        try access.onlyKeys(["writers", "readers"])
        if let name = try access.optionalString("writers") {
            guard let gid = gid(of: name) else {
                throw access.error("writers", "no group '\(name)' on this machine; create it (groupadd \(name)) or name another")
            }
            policy.writers = (name, gid)
        }
        if let name = try access.optionalString("readers") {
            guard let gid = gid(of: name) else {
                throw access.error("readers", "no group '\(name)' on this machine; create it (groupadd \(name)) or name another")
            }
            policy.readers = (name, gid)
        }
        return policy
    }

    static func gid(of name: String) -> gid_t? {
        var group = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrnam_r(name, &group, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return group.gr_gid
    }
}
