import Foundation
import TestSupport
import Testing

/// One obligd per state directory and per socket (#13): a second one refuses to start, names what
/// holds the resource, and leaves the first one answering.
@Suite(.serialized) struct SingleInstanceTests {
    @Test func aSecondObligdOnTheSameStateRefusesAndNamesThePid() async throws {
        let first = try DaemonProcess()
        try await first.start()
        defer { first.signal(SIGTERM) }
        let otherSocket = try makeTemporaryDirectory("obligd-second").appendingPathComponent("s.sock").path
        let second = try runProcess(
            Binaries.obligd, ["--state-dir", first.stateDirectory.path, "--socket", otherSocket], timeout: .seconds(20))
        #expect(second.status != 0)
        let pid = try #require(first.process?.processIdentifier)
        #expect(second.stderr.contains("another obligd (pid \(pid)) is running on the state directory"), "\(second)")
        #expect(!FileManager.default.fileExists(atPath: otherSocket), "it bound nothing")
        let (status, _) = try await first.request("GET", "/v1/health")
        #expect(status == 200)
    }

    @Test func aSecondObligdOnALiveSocketRefusesAndTheFirstKeepsIt() async throws {
        let first = try DaemonProcess()
        try await first.start()
        defer { first.signal(SIGTERM) }
        let otherState = try makeTemporaryDirectory("obligd-second")
        let second = try runProcess(Binaries.obligd, ["--state-dir", otherState.path, "--socket", first.socketPath], timeout: .seconds(20))
        #expect(second.status != 0)
        #expect(second.stderr.contains("something already answers on \(first.socketPath)"), "\(second)")
        let (status, _) = try await first.request("GET", "/v1/health")
        #expect(status == 200, "the first obligd still answers on its socket")
    }

    @Test func aStaleSocketFromACrashIsReplaced() async throws {
        let first = try DaemonProcess()
        try await first.start()
        try await first.kill9()
        #expect(FileManager.default.fileExists(atPath: first.socketPath), "SIGKILL leaves the socket file")
        try await first.start()
        defer { first.signal(SIGTERM) }
        let (status, _) = try await first.request("GET", "/v1/health")
        #expect(status == 200)
        var st = stat()
        #expect(lstat(first.socketPath, &st) == 0 && st.st_mode & 0o777 == 0o660)
    }
}
