/// Exponential backoff with "equal jitter": after the n-th failure wait between half and all of
/// `initial * 2^(n-1)` (capped at `max`). The random half spreads retries of many messages and daemons so
/// that a receiver coming back is not hit by all of them at once; the fixed half keeps the growth.
package struct Backoff: Sendable {
    /// The base wait after the first failure.
    package var initial: Duration
    /// The most the base wait grows to, however many failures.
    package var max: Duration

    /// A backoff from the retry policy's (or a probe's) initial and largest waits.
    package init(initial: Duration, max: Duration) {
        self.initial = initial
        self.max = max
    }

    /// The base delay in milliseconds after `failures` failures (1 = after the first).
    package func ceiling(afterFailures failures: Int) -> Int64 {
        let initialMs = Self.millis(initial), maxMs = Self.millis(max)
        let shift = Swift.min(Swift.max(failures - 1, 0), 40)
        let (product, overflow) = initialMs.multipliedReportingOverflow(by: Int64(1) << shift)
        return overflow ? maxMs : Swift.min(product, maxMs)
    }

    /// The delay to wait, with `unit` a random number in 0..<1.
    package func delay(afterFailures failures: Int, unit: Double) -> Int64 {
        let c = ceiling(afterFailures: failures)
        let half = c / 2
        return half + Int64(Double(c - half) * Swift.min(Swift.max(unit, 0), 1))
    }

    static func millis(_ d: Duration) -> Int64 {
        let (s, atto) = d.components
        return s * 1000 + atto / 1_000_000_000_000_000
    }
}
