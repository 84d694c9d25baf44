/// The environment as systemd and the XDG Base Directory specification mean it, read the same way by
/// obligd and obligctl.
package enum EnvironmentValue {
    /// `name`'s value, or nil when it is unset or empty. An empty value clears a setting: that is what
    /// `VAR= obligd` in a shell and `Environment=VAR=` in a unit mean. Taken as a path, "" made obligd
    /// open its database in a directory named "" and fail with an error that named no path.
    package static func value(_ name: String, in environment: [String: String]) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    /// The first of a systemd directory list (`STATE_DIRECTORY=/var/lib/a:/var/lib/b`), or nil when
    /// the variable is unset or holds no directory.
    package static func firstDirectory(_ name: String, in environment: [String: String]) -> String? {
        value(name, in: environment)?.split(separator: ":").first.map(String.init)
    }

    /// An XDG base directory (`XDG_STATE_HOME`, `XDG_RUNTIME_DIR`), or nil when it is unset, empty or
    /// relative: the specification says such a path is invalid and to be ignored.
    package static func xdgDirectory(_ name: String, in environment: [String: String]) -> String? {
        guard let value = value(name, in: environment), value.hasPrefix("/") else { return nil }
        return value
    }
}
