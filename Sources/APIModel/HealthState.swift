/// Where a webhook receiver stands, as `/v1/health`, `/metrics`, the status page and `STATUS=` say
/// it. One type for Store (which derives it from the queue and the pause) and every reader, so no
/// state is compared as a string. The raw values are the API's.
package enum ReceiverState: String, Codable, Sendable, CaseIterable {
    /// Delivering (or nothing to deliver).
    case ok
    /// Transient errors, retried with backoff.
    case failing
    /// The platform answered that its configuration is wrong; its queue is kept and probed.
    case paused
    /// Messages given up that nobody has retried or dropped yet.
    case deadLetters = "dead-letters"
    /// No longer in obligd.json, with messages still kept for it.
    case unconfigured

    /// Whether reminders through it may not be reaching people: obligd is then `degraded`.
    package var needsAttention: Bool {
        switch self {
        case .ok, .unconfigured: false
        case .failing, .paused, .deadLetters: true
        }
    }
}

/// obligd as a whole, in `/v1/health` and `STATUS=`: `degraded` while a receiver needs attention
/// (`ReceiverState.needsAttention`) or the cluster has a problem, else `ready`.
package enum HealthStatus: String, Codable, Sendable {
    /// `ready`: nothing needs attention; `degraded`: a receiver or the cluster does.
    case ready, degraded
}
