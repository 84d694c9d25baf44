/// The token bucket behind a receiver's `RateLimit`: `burst` tokens, refilled continuously at
/// `perMinute - burst` per minute, starting full.
struct TokenBucket: Sendable {
    let capacity: Double
    /// Tokens per millisecond.
    let refill: Double
    private(set) var tokens: Double
    private(set) var updatedAt: Int64

    init(_ limit: RateLimit, now: Int64) {
        capacity = Double(limit.burst)
        refill = Double(limit.perMinute - limit.burst) / 60_000
        tokens = capacity
        updatedAt = now
    }

    private mutating func advance(to now: Int64) {
        guard now > updatedAt else { return }
        tokens = min(capacity, tokens + Double(now - updatedAt) * refill)
        updatedAt = now
    }

    /// Takes a token if one is there.
    mutating func take(now: Int64) -> Bool {
        advance(to: now)
        guard tokens >= 1 - 1e-9 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token will be there (now, if one is).
    mutating func nextTokenAt(now: Int64) -> Int64 {
        advance(to: now)
        if tokens >= 1 - 1e-9 { return now }
        // The epsilon keeps float noise (20000.000000000004) from adding a millisecond.
        return now + Int64(((1 - tokens) / refill - 1e-6).rounded(.up))
    }
}
