import Foundation
import TestSupport
import Testing

/// Where obligd keeps its state when told in odd ways: an empty `STATE_DIRECTORY` is unset (it was
/// taken as a directory named "" and obligd died with Foundation's "The file doesn't exist"), and a
/// directory that cannot be made is refused with its path, the reason and the option to change.
@Suite(.serialized) struct StateDirectoryTests {
    @Test func anEmptyStateDirectoryVariableIsUnset() async throws {
        let home = try makeTemporaryDirectory("obligd-xdg")
        let socket = home.appendingPathComponent("s.sock").path
        var env = ProcessInfo.processInfo.environment
        env["STATE_DIRECTORY"] = ""
        env["XDG_STATE_HOME"] = home.path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binaries.obligd)
        p.arguments = ["--socket", socket, "--config", home.appendingPathComponent("conf").path]
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try FileManager.default.createDirectory(at: home.appendingPathComponent("conf"), withIntermediateDirectories: true)
        try p.run()
        defer {
            p.terminate()
            p.waitUntilExit()
        }
        try await eventually("obligd answers on \(socket)") { try obligctl(["status"], socket: socket).status == 0 }
        #expect(FileManager.default.fileExists(atPath: home.appendingPathComponent("obligd/obligd.sqlite").path))
    }

    @Test func aStateDirectoryThatCannotBeMadeIsRefusedWithItsPathAndTheFix() throws {
        let dir = try makeTemporaryDirectory("obligd-state")
        let file = dir.appendingPathComponent("a-file").path
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        let socket = dir.appendingPathComponent("s.sock").path
        for (state, why) in [
            ("\(file)/state", "cannot create the state directory \(file)/state: Not a directory"),
            (file, "the state directory \(file) exists and is not a directory"),
            ("", "the state directory is empty")
        ] {
            let r = try runProcess(Binaries.obligd, ["--state-dir", state, "--socket", socket], timeout: .seconds(20))
            #expect(r.status != 0)
            #expect(r.stderr.contains(why), "\(r)")
            #expect(r.stderr.contains("--state-dir or STATE_DIRECTORY"), "\(r)")
            #expect(!r.stderr.contains("NSCocoaErrorDomain"), "\(r)")
        }
        let r = try runProcess(
            Binaries.obligd, ["--state-dir", dir.appendingPathComponent("state").path, "--socket", "\(file)/s.sock"], timeout: .seconds(20))
        #expect(r.stderr.contains("the socket's directory \(file) exists and is not a directory"), "\(r)")
    }
}
