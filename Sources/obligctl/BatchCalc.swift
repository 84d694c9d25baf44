import DeadlineKit
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `calc --batch`: a streaming loop over stdin, one output line per input line (the due date, or
/// "error: ..."), that keeps up with well over a million lines per second.
///
/// The hot path allocates nothing per line: input is read with read(2) into one buffer, fields are
/// found in place, a well-formed date is decoded straight from its bytes, periods are parsed once per
/// distinct token and cached, and the result is written into one output buffer flushed with write(2).
/// Anything unusual falls back to the ordinary parsers (CivilDate(parsing:), Period(parsing:)), so
/// error messages are exactly those of single-shot `calc`.
struct BatchCalc {
    let calendar: WorkingCalendar
    let roll: Roll?

    /// Returns false if any line failed.
    func run(input: FileHandle, output: FileHandle) -> Bool {
        var worker = Worker(calendar: calendar, roll: roll, out: Output(fd: output.fileDescriptor))
        let fd = input.fileDescriptor
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var filled = 0
        while true {
            if filled == buffer.count {  // a line longer than the buffer: grow it
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + filled, raw.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                worker.fail("error: reading stdin: \(String(cString: strerror(errno)))\n")
                break
            }
            if n == 0 { break }
            filled += n
            let consumed = buffer.withUnsafeBufferPointer { buf -> Int in
                var lineStart = 0
                let base = buf.baseAddress!
                while lineStart < filled,
                    let nl = memchr(base + lineStart, 10, filled - lineStart)
                {
                    let end = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                    worker.line(UnsafeBufferPointer(rebasing: buf[lineStart..<end]))
                    lineStart = end + 1
                }
                return lineStart
            }
            if consumed > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, filled - consumed)
                }
                filled -= consumed
            }
        }
        if filled > 0 {
            buffer.withUnsafeBufferPointer { buf in worker.line(UnsafeBufferPointer(rebasing: buf[0..<filled])) }
        }
        worker.out.flush()
        if worker.provisional > 0 { Provisional.note(years: [], count: worker.provisional) }
        return worker.ok
    }
}

/// Buffered writes to a file descriptor.
private struct Output {
    let fd: Int32
    var bytes: [UInt8] = []

    init(fd: Int32) {
        self.fd = fd
        bytes.reserveCapacity(1 << 16 + 512)
    }

    mutating func append(_ s: String) {
        bytes.append(contentsOf: s.utf8)
        if bytes.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // stdout is gone (EPIPE with SIGPIPE ignored): nothing useful left to do
                }
                offset += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

private struct Worker {
    let calendar: WorkingCalendar
    let roll: Roll?
    var out: Output
    var ok = true
    /// How many answers rest on an estimated calendar year (each is marked on its line).
    var provisional = 0
    /// Parsed periods by token (up to 7 bytes, packed with its length into a UInt64).
    var periods: [UInt64: Period] = [:]

    init(calendar: WorkingCalendar, roll: Roll?, out: Output) {
        self.calendar = calendar
        self.roll = roll
        self.out = out
    }

    mutating func fail(_ message: String) {
        ok = false
        out.append(message)
    }

    mutating func line(_ raw: UnsafeBufferPointer<UInt8>) {
        var line = raw
        if let last = line.last, last == 13 { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
        // Split on spaces and tabs, in place.
        var fields: (Range<Int>, Range<Int>) = (0..<0, 0..<0)
        var count = 0
        var i = 0
        while i < line.count {
            while i < line.count, line[i] == 32 || line[i] == 9 { i += 1 }
            if i == line.count { break }
            let start = i
            while i < line.count, line[i] != 32, line[i] != 9 { i += 1 }
            if count == 0 { fields.0 = start..<i } else if count == 1 { fields.1 = start..<i }
            count += 1
        }
        guard count == 2 else {
            fail("error: expected 'START PERIOD' (e.g. 2025-01-27 +5wd), got \(count) field(s)\n")
            return
        }
        let startBytes = UnsafeBufferPointer(rebasing: line[fields.0])
        let periodBytes = UnsafeBufferPointer(rebasing: line[fields.1])
        let start: CivilDate
        let period: Period
        do throws(InputError) {
            start = try date(startBytes)
            period = try self.period(periodBytes)
        } catch {
            fail("error: \(error.description)\n")
            return
        }
        let due: CivilDate
        let estimated: Bool
        do throws(WorkingCalendar.Error) {
            if period.unit == .workingDays {
                due = try calendar.addingWorkingDays(period.amount, to: start)
                estimated = calendar.touchesEstimate(start, due)
            } else {
                let d = try calendar.deadline(from: start, period, roll: roll)
                due = d.due
                estimated = d.provisional
            }
        } catch {
            // Name the input line unless the message already starts with it.
            let prefix = "\(start) \(period)"
            fail("error: " + (error.description.hasPrefix(prefix) ? "" : prefix + ": ") + error.description + "\n")
            return
        }
        let c = due.components
        var y = c.year
        var text: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 45, 0, 0, 45, 0, 0, 10)
        text.3 = UInt8(48 + y % 10)
        y /= 10
        text.2 = UInt8(48 + y % 10)
        y /= 10
        text.1 = UInt8(48 + y % 10)
        y /= 10
        text.0 = UInt8(48 + y % 10)
        text.5 = UInt8(48 + c.month / 10)
        text.6 = UInt8(48 + c.month % 10)
        text.8 = UInt8(48 + c.day / 10)
        text.9 = UInt8(48 + c.day % 10)
        if estimated {
            provisional += 1
            text.10 = 32  // "YYYY-MM-DD provisional\n"
            withUnsafeBytes(of: &text) { out.bytes.append(contentsOf: $0) }
            out.bytes.append(contentsOf: "provisional\n".utf8)
        } else {
            withUnsafeBytes(of: &text) { out.bytes.append(contentsOf: $0) }
        }
        if out.bytes.count >= 1 << 16 { out.flush() }
    }

    /// YYYY-MM-DD decoded from its bytes; anything else goes through CivilDate(parsing:) for its error.
    func date(_ b: UnsafeBufferPointer<UInt8>) throws(InputError) -> CivilDate {
        if b.count == 10, b[4] == 45, b[7] == 45 {
            var valid = true
            func digit(_ k: Int) -> Int {
                let v = Int(b[k]) &- 48
                if v < 0 || v > 9 { valid = false }
                return v
            }
            let y = digit(0) * 1000 + digit(1) * 100 + digit(2) * 10 + digit(3)
            let m = digit(5) * 10 + digit(6)
            let d = digit(8) * 10 + digit(9)
            if valid, let date = CivilDate(year: y, month: m, day: d) { return date }
        }
        return try CivilDate(parsing: String(decoding: b, as: UTF8.self))
    }

    mutating func period(_ b: UnsafeBufferPointer<UInt8>) throws(InputError) -> Period {
        guard b.count <= 7 else { return try Period(parsing: String(decoding: b, as: UTF8.self)) }
        var key = UInt64(b.count) << 56
        for (k, byte) in b.enumerated() { key |= UInt64(byte) << (8 * UInt64(k)) }
        if let p = periods[key] { return p }
        let p = try Period(parsing: String(decoding: b, as: UTF8.self))
        if periods.count < 4096 { periods[key] = p }
        return p
    }
}
