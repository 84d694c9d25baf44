/// The token bucket behind a receiver's `RateLimit`: `burst` tokens, refilled continuously at
/// `perMinute - burst` per minute, starting full.
///
/// A take may keep a reserve: change notices leave the last token of a bucket of two or more for
/// reminders, so a reminder that falls due while a backlog of changes drains at the platform's limit
/// goes at once instead of waiting for the next refill (up to 3 s at DingTalk's 20 a minute).
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

    /// Takes a token if one is there beyond `reserve`.
    mutating func take(now: Int64, keeping reserve: Double = 0) -> Bool {
        advance(to: now)
        guard tokens >= 1 + reserve - 1e-9 else { return false }
        tokens -= 1
        return true
    }

    /// When the next token beyond `reserve` will be there (now, if one is).
    mutating func nextTokenAt(now: Int64, keeping reserve: Double = 0) -> Int64 {
        advance(to: now)
        if tokens >= 1 + reserve - 1e-9 { return now }
        // The epsilon keeps float noise (20000.000000000004) from adding a millisecond.
        return now + Int64(((1 + reserve - tokens) / refill - 1e-6).rounded(.up))
    }

    /// Gives back `n` tokens taken for messages that were not sent (a burst ended early).
    mutating func refund(_ n: Int) {
        tokens = min(capacity, tokens + Double(n))
    }
}
