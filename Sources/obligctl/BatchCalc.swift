import DeadlineKit
import Foundation

/// `calc --batch`: a streaming loop over stdin that parses each line without allocating per token and
/// writes results in large chunks, so it keeps up with hundreds of thousands of lines per second.
struct BatchCalc {
    let calendar: WorkingCalendar
    let roll: Roll?

    /// Returns false if any line failed.
    func run(input: FileHandle, output: FileHandle) -> Bool {
        var ok = true
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        var pending: [UInt8] = []
        let newline = UInt8(ascii: "\n")
        func handle(_ line: ArraySlice<UInt8>) {
            var line = line
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if !process(line, into: &out) { ok = false }
            if out.count >= 1 << 16 {
                output.write(Data(out))
                out.removeAll(keepingCapacity: true)
            }
        }
        while true {
            let chunk = input.availableData
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            var lineStart = pending.startIndex
            var i = pending.startIndex
            while i < pending.endIndex {
                if pending[i] == newline {
                    handle(pending[lineStart..<i])
                    lineStart = i + 1
                }
                i += 1
            }
            pending.removeSubrange(pending.startIndex..<lineStart)
        }
        if !pending.isEmpty { handle(pending[...]) }
        output.write(Data(out))
        return ok
    }

    private func process(_ line: ArraySlice<UInt8>, into out: inout [UInt8]) -> Bool {
        let fields = line.split(whereSeparator: { $0 == 32 || $0 == 9 })
        guard fields.count == 2 else {
            append(&out, "error: expected 'START PERIOD' (e.g. 2025-01-27 +5wd), got \(fields.count) field(s)\n")
            return false
        }
        do throws(InputError) {
            let start = try fastDate(fields[0])
            let period = try Period(parsing: Substring(decoding: fields[1], as: UTF8.self))
            let due: CivilDate
            if period.unit == .workingDays {
                due = try wrap { () throws(WorkingCalendar.Error) in try calendar.addingWorkingDays(period.amount, to: start) }
            } else {
                due = try wrap { () throws(WorkingCalendar.Error) in try calendar.deadline(from: start, period, roll: roll).due }
            }
            let c = due.components
            appendNumber(&out, c.year, 4)
            out.append(45)
            appendNumber(&out, c.month, 2)
            out.append(45)
            appendNumber(&out, c.day, 2)
            out.append(10)
            return true
        } catch {
            append(&out, "error: \(error.description)\n")
            return false
        }
    }

    private func wrap<T>(_ body: () throws(WorkingCalendar.Error) -> T) throws(InputError) -> T {
        do { return try body() } catch {
            throw InputError(token: "", problem: error.description, accepted: "a result within the calendar")
        }
    }

    private func fastDate(_ b: ArraySlice<UInt8>) throws(InputError) -> CivilDate {
        try CivilDate(parsing: Substring(decoding: b, as: UTF8.self))
    }

    private func append(_ out: inout [UInt8], _ s: String) { out.append(contentsOf: s.utf8) }

    private func appendNumber(_ out: inout [UInt8], _ v: Int, _ width: Int) {
        var digits: [UInt8] = []
        var n = v
        repeat {
            digits.append(UInt8(48 + n % 10))
            n /= 10
        } while n > 0
        while digits.count < width { digits.append(48) }
        out.append(contentsOf: digits.reversed())
    }
}
