import Foundation
import TestSupport
import Testing

/// Sets this machine's wall clock for a test and puts it back. The true time is carried on
/// CLOCK_BOOTTIME, which setting the wall clock does not move, so `restore()` lands on the right
/// second however long the test took.
///
/// Only with `OBLIGD_TEST_SET_CLOCK=1` and CAP_SYS_TIME (scripts/test sets it as root): it moves the clock of the
/// whole machine for seconds, which is fine on a test VM and not on a workstation running other work.
final class MachineWallClock: @unchecked Sendable {
    static var permitted: Bool {
        ProcessInfo.processInfo.environment["OBLIGD_TEST_SET_CLOCK"] == "1" && hasCapSysTime
    }

    /// CAP_SYS_TIME (bit 25) in the effective set: root in a container may lack it.
    static var hasCapSysTime: Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let caps = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return caps & (1 << 25) != 0
    }

    private let real0: Int64
    private let boot0: Int64

    init() {
        real0 = Self.read(CLOCK_REALTIME)
        boot0 = Self.read(CLOCK_BOOTTIME)
    }

    private static func read(_ id: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(id, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Seconds since the epoch on the wall clock as it is set now.
    var wall: Double { Double(Self.read(CLOCK_REALTIME)) / 1e9 }

    /// Sets the wall clock to `seconds` since the epoch.
    func set(_ seconds: Double) throws {
        let ns = Int64((seconds * 1e9).rounded())
        var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        guard clock_settime(CLOCK_REALTIME, &ts) == 0 else { throw TestFailure("clock_settime failed: errno \(errno)") }
    }

    func shift(by seconds: Double) throws { try set(wall + seconds) }

    /// Back to the true time.
    func restore() {
        let ns = real0 + (Self.read(CLOCK_BOOTTIME) - boot0)
        var ts = timespec(tv_sec: Int(ns / 1_000_000_000), tv_nsec: Int(ns % 1_000_000_000))
        clock_settime(CLOCK_REALTIME, &ts)
    }
}

extension SchedulerEndToEndTests {
    /// On PostgreSQL the lease is timed by the database server's clock, here the same machine's, so
    /// each 70 s jump forward also expires the leader's lease: the leader must go on firing under its
    /// epoch (nobody took over), not fail its fence and wait for a retry (it did: the reminders came
    /// seconds late).
    @Test(.enabled(if: MachineWallClock.permitted, "sets the machine's clock: needs CAP_SYS_TIME and OBLIGD_TEST_SET_CLOCK=1"))
    func wallClockJumpsForwardAndBack() async throws {
        let clock = MachineWallClock()
        defer { clock.restore() }
        let d = try DaemonProcess()
        try await d.start()
        defer { d.signal(SIGKILL) }
        _ = try await d.request("POST", "/v1/entities", json: ["id": "j", "name": "J"])
        _ = try await d.request("POST", "/v1/obligations", json: ["entity": "j", "title": "a", "start": nowISO(), "period": "+60s"])

        // Forward past A's due instant once the scheduler sleeps on it: it fires at once, not 60 s later.
        try await Task.sleep(for: .milliseconds(300))
        try clock.shift(by: 70)
        let firedA = try await poll(timeout: .seconds(2), every: .milliseconds(25)) { try await reminders(d).count == 1 }
        #expect(firedA, "a jump forward past a stage did not fire it within 2 s")

        // B is due 5 s after "now" on the jumped clock. Back 70 s: B is 75 s away again, and A is
        // not sent a second time although its due instant is in the future once more.
        _ = try await d.request("POST", "/v1/obligations", json: ["entity": "j", "title": "b", "start": nowISO(), "period": "+5s"])
        try await Task.sleep(for: .milliseconds(300))
        try clock.shift(by: -70)
        try await Task.sleep(for: .seconds(7))
        #expect(try await reminders(d).count == 1, "after the jump back, B fired early or A was sent again")

        // Forward again, past B's due instant: B fires at once.
        try clock.shift(by: 70)
        let firedB = try await poll(timeout: .seconds(2), every: .milliseconds(25)) { try await reminders(d).count == 2 }
        #expect(firedB, "a second jump forward did not fire B within 2 s")
        clock.restore()
        try await Task.sleep(for: .seconds(1))
        let r = try await reminders(d)
        #expect(r.map(\.stage) == ["due", "due"])
        #expect(Set(r.map(\.obligation)).count == 2)
        #expect(d.logText().components(separatedBy: "wall clock changed").count - 1 >= 3, "the scheduler did not notice every jump")
    }

    /// Europe/Berlin changes its offset on these Sundays; the "1 day before" stage of a deadline due
    /// on the Monday is 09:00 local on the change day. Fired within a second of that instant, not an
    /// hour early or late.
    @Test(
        .enabled(if: MachineWallClock.permitted, "sets the machine's clock: needs CAP_SYS_TIME and OBLIGD_TEST_SET_CLOCK=1"),
        arguments: [
            // Spring forward: 09:00 CEST = 07:00 UTC.
            (start: "2026-03-23", due: "2026-03-30", stageAt: Int64(1_774_767_600)),
            // Fall back: 09:00 CET = 08:00 UTC.
            (start: "2026-10-19", due: "2026-10-26", stageAt: Int64(1_792_915_200))
        ])
    func berlinReminderOnTheDaylightSavingChangeDay(start: String, due: String, stageAt: Int64) async throws {
        let clock = MachineWallClock()
        defer { clock.restore() }
        // The calendar-day stage on the Sunday itself: this test is about the time of day across the
        // change, so the entity's stages fire on rest days too (the shipped plan moves them).
        let conf = try makeTemporaryDirectory("obligd-berlin-conf")
        try Data(#"{"reminders": {"entities": {"berlin": {"before": ["-1d"], "dueDayAt": "09:00", "restDays": "fire"}}}}"#.utf8)
            .write(to: conf.appendingPathComponent("obligd.json"))
        try clock.set(Double(stageAt) - 8)
        let d = try DaemonProcess(configDirectory: conf.path)
        try await d.start()
        defer { d.signal(SIGKILL) }
        let (s, _) = try await d.request("POST", "/v1/entities", json: ["id": "berlin", "name": "Berlin GmbH", "zone": "Europe/Berlin"])
        #expect(s == 201)
        let (s2, body) = try await d.request(
            "POST", "/v1/obligations", json: ["entity": "berlin", "title": "filing", "start": start, "period": "+5wd"])
        #expect(s2 == 201)
        #expect((body as? [String: Any])?["due"] as? String == due)
        let fired = try await poll(timeout: .seconds(12), every: .milliseconds(25)) { try await !reminders(d).isEmpty }
        #expect(fired, "no reminder within 4 s of 09:00 Berlin time")
        let r = try await reminders(d)
        #expect(r.count == 1)
        #expect(r.first?.stage == "before:-1d")
        #expect(r.first?.scheduledAt == stageAt)
        #expect(r.first?.late == false)
        if let first = r.first {
            #expect(first.createdAt - first.scheduledAt <= 1, "fired \(first.createdAt - first.scheduledAt)s after 09:00")
        }
    }
}
