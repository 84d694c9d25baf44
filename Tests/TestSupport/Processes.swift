import Foundation
import Synchronization

/// A failure of the test's own machinery (a process that would not start or stop, a wait that timed
/// out), thrown so the test stops with a message instead of hanging or crashing.
package struct TestFailure: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }
}

/// What a finished child process left behind. Why: tests assert exact output and exit status, as
/// scripts that call obligctl depend on them.
package struct ProcessResult: Sendable, CustomStringConvertible {
    package var status: Int32
    package var stdout: String
    /// Empty when the run merged standard error into `stdout`.
    package var stderr: String
    /// `stderr` split into lines, without the empty piece after the last newline.
    package var stderrLines: [Substring] { stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { $0 } }
    package var description: String { "exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
}

/// Runs `executable` (a path, or a command name looked up on PATH) with `arguments` and waits for it.
///
/// Why one runner: standard input is fed and both output pipes are drained on their own threads, so a
/// child that writes a lot can never block on a full pipe (and hang the suite).
/// - Parameters:
///   - environment: the child's whole environment; nil inherits the test's.
///   - mergeStderr: both streams into `stdout`, interleaved as written (for a tool's log).
///   - timeout: terminates the child and throws `TestFailure` when it runs longer.
package func runProcess(
    _ executable: String, _ arguments: [String], stdin: String? = nil, environment: [String: String]? = nil,
    mergeStderr: Bool = false, timeout: Duration? = nil
) throws -> ProcessResult {
    let p = Process()
    let onPath = !executable.contains("/")
    p.executableURL = URL(fileURLWithPath: onPath ? "/usr/bin/env" : executable)
    p.arguments = onPath ? [executable] + arguments : arguments
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe(), input = Pipe()
    p.standardOutput = out
    p.standardError = mergeStderr ? out : err
    p.standardInput = input
    try p.run()
    let writer = Thread {
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let outData = Drained(out.fileHandleForReading), errData = Drained(mergeStderr ? nil : err.fileHandleForReading)
    if let timeout {
        let end = ContinuousClock.now + timeout
        while p.isRunning {
            if ContinuousClock.now > end {
                p.terminate()
                throw TestFailure("timed out after \(timeout): \(([executable] + arguments).joined(separator: " "))")
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }
    let o = outData.wait(), e = errData.wait()
    p.waitUntilExit()
    return ProcessResult(
        status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
        stderr: String(decoding: e, as: UTF8.self))
}

/// Reads a pipe to its end on a thread of its own.
private final class Drained: Sendable {
    private let data = Mutex<Data?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle?) {
        guard let handle else {
            data.withLock { $0 = Data() }
            done.signal()
            return
        }
        let thread = Thread { [self] in
            let d = handle.readDataToEndOfFile()
            data.withLock { $0 = d }
            done.signal()
        }
        thread.start()
    }

    func wait() -> Data {
        done.wait()
        done.signal()
        return data.withLock { $0 ?? Data() }
    }
}

/// Runs the built obligctl (see `Binaries`) with the test's environment plus `environment`, and
/// `OBLIGD_SOCKET` set to `socket` when given. Why: CLI contract and end-to-end tests drive the real
/// client exactly as an operator's script would.
package func obligctl(
    _ arguments: [String], socket: String? = nil, stdin: String? = nil,
    environment: [String: String] = [:]
) throws -> ProcessResult {
    var env = ProcessInfo.processInfo.environment
    if let socket { env["OBLIGD_SOCKET"] = socket }
    for (k, v) in environment { env[k] = v }
    return try runProcess(Binaries.obligctl, arguments, stdin: stdin, environment: env)
}
