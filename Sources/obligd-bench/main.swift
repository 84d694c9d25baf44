// obligd-bench: in-process throughput of the deadline engine on one core (single thread).
//
//   obligd-bench [COUNT] [REPEATS]     defaults: 1000000 starts, best of 5 repeats
//
// Starts are uniform over 2024-01-01...2026-12-31 from a fixed seed, so runs are comparable.
// Prints one line per measurement: "<name>: <per second>/s (<ns> ns/op)", then a checksum that keeps
// the optimiser from dropping the work. Build it in release mode (scripts/bench-calc does).
import DeadlineKit
import Rules

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let args = CommandLine.arguments.dropFirst()
let count = args.first.flatMap { Int($0) } ?? 1_000_000
let repeats = args.dropFirst().first.flatMap { Int($0) } ?? 5

let config: Configuration
do { config = try Configuration.load(directory: nil) } catch {
    print("obligd-bench: \(error)")
    exit(2)
}
let calendar = try! config.calendar("cn")
let calculator = DueCalculator(calendar: calendar)
let period = try! Period(parsing: "+30wd")

var rng = SplitMix64(state: 20_240_101)
let first = CivilDate(year: 2024, month: 1, day: 1)!.dayNumber
let last = CivilDate(year: 2026, month: 12, day: 31)!.dayNumber
let starts = (0..<count).map { _ in CivilDate(dayNumber: Int.random(in: first...last, using: &rng)) }
let startTexts = starts.map(\.description)

var checksum = 0

/// Runs `body` over all starts `repeats` times, reports the best rate, returns the results' checksum.
@MainActor
func measure(_ name: String, _ body: () throws -> Int) rethrows -> Int {
    var checksum = 0
    let clock = ContinuousClock()
    var best = Duration.seconds(1_000_000)
    for _ in 0..<repeats {
        var sum = 0
        let elapsed = try clock.measure { sum = try body() }
        checksum &+= sum
        best = min(best, elapsed)
    }
    let seconds = Double(best.components.seconds) + Double(best.components.attoseconds) / 1e18
    let rate = Double(count) / seconds
    let ns = seconds / Double(count) * 1e9
    print("\(name): \(Int(rate))/s (\(String(format1: ns)) ns/op)")
    return checksum
}

extension String {
    init(format1 v: Double) {
        let tenths = Int((v * 10).rounded())
        self = "\(tenths / 10).\(tenths % 10)"
    }
}

print("obligd-bench: \(count) starts over 2024-2026, +30wd, best of \(repeats), one thread")

// The hot path: the Nth working day after a day (two array reads).
checksum &+= try measure("WorkingCalendar.addingWorkingDays +30wd") {
    var s = 0
    for d in starts { s &+= try calendar.addingWorkingDays(30, to: d).dayNumber }
    return s
}

// A full Deadline: roll mode, landing, due day and the provisional flag.
checksum &+= try measure("WorkingCalendar.deadline +30wd (with provisional flag)") {
    var s = 0
    for d in starts {
        let r = try calendar.deadline(from: d, period)
        s &+= r.due.dayNumber &+ (r.provisional ? 1 : 0)
    }
    return s
}

// What a caller of the Rules API gets: also the due instant (24:00 Asia/Shanghai, via the zone database).
checksum &+= try measure("DueCalculator.due +30wd (with due instant in Asia/Shanghai)") {
    var s = 0
    for d in starts {
        let r = try calculator.due(from: .day(d), period)
        s &+= Int(r.dueInstant.secondsSinceEpoch)
    }
    return s
}

// Text in, text out, in process: parse the date and the period, compute, format the due date.
checksum &+= try measure("parse + deadline + format (text to text)") {
    var s = 0
    for t in startTexts {
        let d = try CivilDate(parsing: t)
        let p = try Period(parsing: "+30wd")
        s &+= try calendar.deadline(from: d, p).due.description.utf8.count
    }
    return s
}

print("checksum \(checksum)")
