import Synchronization

/// Sign-in attempts with a token obligd does not know, counted over the last minute: past `limit`
/// they are refused (429) until the minute has passed. Tokens carry 256 random bits, so this is not
/// what keeps them safe; it keeps a scanner from filling the log and the database's time.
final class SignInLimiter: Sendable {
    let limit: Int
    private let failures = Mutex<[Int64]>([])

    init(limit: Int = 20) { self.limit = limit }

    /// Whether another attempt may be tried at `now` (epoch seconds).
    func allows(at now: Int64) -> Bool {
        failures.withLock { f in
            f.removeAll { $0 <= now - 60 }
            return f.count < limit
        }
    }

    /// Counts a failed attempt at `now`.
    func failed(at now: Int64) {
        failures.withLock { $0.append(now) }
    }
}
