/// Where the daemon's socket is by default, shared by obligd and obligctl so both agree.
package enum SocketLocation {
    /// The socket of the system service (RuntimeDirectory=obligd).
    package static let systemPath = "/run/obligd/obligd.sock"

    /// `$RUNTIME_DIRECTORY`, else `$XDG_RUNTIME_DIR/obligd`, else `/run/obligd` as root, else the state directory's `run/`.
    /// Empty variables count as unset, and a relative `$XDG_RUNTIME_DIR` too (`EnvironmentValue`).
    package static func defaultPath(environment: [String: String], isRoot: Bool, stateDirectory: String) -> String {
        let runtime =
            EnvironmentValue.firstDirectory("RUNTIME_DIRECTORY", in: environment)
            ?? EnvironmentValue.xdgDirectory("XDG_RUNTIME_DIR", in: environment).map { "\($0)/obligd" }
            ?? (isRoot ? "/run/obligd" : "\(stateDirectory)/run")
        return "\(runtime)/obligd.sock"
    }

    /// `$STATE_DIRECTORY`, else `$XDG_STATE_HOME/obligd`, else `/var/lib/obligd` as root, else `~/.local/state/obligd`.
    /// Empty variables count as unset, and a relative `$XDG_STATE_HOME` too (`EnvironmentValue`).
    package static func defaultStateDirectory(environment: [String: String], isRoot: Bool, home: String) -> String {
        EnvironmentValue.firstDirectory("STATE_DIRECTORY", in: environment)
            ?? EnvironmentValue.xdgDirectory("XDG_STATE_HOME", in: environment).map { "\($0)/obligd" }
            ?? (isRoot ? "/var/lib/obligd" : "\(home)/.local/state/obligd")
    }
}
