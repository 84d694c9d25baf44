import CSystemd
import Glibc

/// Tells systemd about the daemon's state (Type=notify). A no-op when NOTIFY_SOCKET is unset.
package struct SystemdNotifier: Sendable {
    /// A notifier; sd_notify reads NOTIFY_SOCKET itself on each call.
    package init() {}

    /// Sends one sd_notify(3) message (`KEY=value` lines); errors are ignored, as systemd is only told.
    package func notify(_ state: String) {
        _ = sd_notify(0, state)
    }

    /// Start-up is done: systemd starts dependent units, and `status` shows in `systemctl status`.
    package func ready(status: String) { notify("READY=1\nSTATUS=\(status)") }
    /// With the monotonic time systemd uses to match a reload to its request (systemd.service(5), Type=notify-reload).
    package func reloading() {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        notify("RELOADING=1\nMONOTONIC_USEC=\(UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000)")
    }
    /// obligd is stopping, so systemd does not take the stop for a crash.
    package func stopping() { notify("STOPPING=1") }
    /// A line for `systemctl status` (what a long pass is doing, a receiver's problem).
    package func status(_ text: String) { notify("STATUS=\(text)") }
}
