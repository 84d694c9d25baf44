import Foundation

/// Outbox row ids: time-ordered UUIDs (RFC 9562 version 7), which receivers see as the webhook-id.
///
/// Random (version 4) ids scattered every insert across the outbox's primary-key index; a re-derivation
/// or reminder burst writing hundreds of thousands of rows then dirtied a different page per row. Ids
/// that start with the time in milliseconds land next to each other.
enum OutboxID {
    /// `milliseconds` is the time of the write, passed in: Store never reads the clock.
    static func make(milliseconds: UInt64) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(milliseconds: milliseconds, using: &generator)
    }

    /// With a caller's generator: a transaction writing thousands of rows seeds one `OutboxIDRandom`
    /// instead of asking the kernel for randomness twice per row.
    static func make<G: RandomNumberGenerator>(milliseconds: UInt64, using generator: inout G) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(i))) }
        let random = generator.next() as UInt64, more = generator.next() as UInt64
        for i in 6..<16 { bytes[i] = UInt8(truncatingIfNeeded: (i < 14 ? random : more) >> (8 * UInt64(i % 8))) }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)  // version 7
        bytes[8] = 0x80 | (bytes[8] & 0x3F)  // variant 10
        let hex = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { s.append("-") }
            s.append(hex[Int(b >> 4)])
            s.append(hex[Int(b & 0x0F)])
        }
        return s
    }
}

/// SplitMix64, seeded from the system's generator: fast randomness for the 74 random bits of outbox
/// ids. They need to be unique, not secret (receivers see them anyway).
struct OutboxIDRandom: RandomNumberGenerator {
    private var state: UInt64

    init() {
        var system = SystemRandomNumberGenerator()
        state = system.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
