/// Where the daemon's socket is by default, shared by obligd and obligctl so both agree.
package enum SocketLocation {
    /// The socket of the system service (RuntimeDirectory=obligd).
    package static let systemPath = "/run/obligd/obligd.sock"

    /// `$RUNTIME_DIRECTORY`, else `$XDG_RUNTIME_DIR/obligd`, else `/run/obligd` as root, else the state directory's `run/`.
    package static func defaultPath(environment: [String: String], isRoot: Bool, stateDirectory: String) -> String {
        let runtime =
            environment["RUNTIME_DIRECTORY"].map { String($0.split(separator: ":").first ?? Substring($0)) }
            ?? environment["XDG_RUNTIME_DIR"].map { "\($0)/obligd" }
            ?? (isRoot ? "/run/obligd" : "\(stateDirectory)/run")
        return "\(runtime)/obligd.sock"
    }

    /// `$STATE_DIRECTORY`, else `$XDG_STATE_HOME/obligd`, else `/var/lib/obligd` as root, else `~/.local/state/obligd`.
    package static func defaultStateDirectory(environment: [String: String], isRoot: Bool, home: String) -> String {
        environment["STATE_DIRECTORY"].map { String($0.split(separator: ":").first ?? Substring($0)) }
            ?? environment["XDG_STATE_HOME"].map { "\($0)/obligd" }
            ?? (isRoot ? "/var/lib/obligd" : "\(home)/.local/state/obligd")
    }
}
