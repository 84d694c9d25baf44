import CSystemd

/// Tells systemd about the daemon's state (Type=notify). A no-op when NOTIFY_SOCKET is unset.
public struct SystemdNotifier: Sendable {
    public init() {}

    public func notify(_ state: String) {
        _ = sd_notify(0, state)
    }

    public func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    public func reloading() { notify("RELOADING=1") }
    public func stopping() { notify("STOPPING=1") }
    public func status(_ text: String) { notify("STATUS=\(text)") }
}
