import Foundation
import TestSupport
import Testing

/// Roles from the kernel's view of the caller (#13, part 1): members of the writers group may write,
/// members of the readers group may only read (403 on writes), anyone else gets 403; the audit trail
/// names the verified user. Runs obligctl as other users with setpriv (tests run as root).
@Suite(.serialized) struct AccessTests {
    /// obligctl copied where any user may run it, run as `uid`/`gid` with only `groups`.
    func obligctlAs(_ uid: Int, _ gid: Int, groups: [Int], _ args: [String], socket: String, bin: String) throws -> ProcessResult {
        let who = groups.isEmpty ? ["--clear-groups"] : ["--groups=\(groups.map(String.init).joined(separator: ","))"]
        return try runProcess(
            "/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(gid)"] + who + [bin] + args,
            environment: ["OBLIGD_SOCKET": socket, "USER": "someone", "HOME": "/nonexistent", "PATH": "/usr/bin:/bin"])
    }

    @Test func writersReadersAndStrangersGetWhatTheirGroupsAllow() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let conf = try makeTemporaryDirectory("obligd-access")
        // Group 1 (daemon) writes, 65534 (nogroup) reads: both exist on every Debian system.
        try #"{"access": {"writers": "daemon", "readers": "nogroup"}}"#.write(
            to: conf.appendingPathComponent("obligd.json"), atomically: true, encoding: .utf8)
        let state = try makeTemporaryDirectory("obligd-access-state")
        chmod(state.path, 0o755)
        let bin = state.appendingPathComponent("obligctl").path
        try FileManager.default.copyItem(atPath: Binaries.obligctl, toPath: bin)
        chmod(bin, 0o755)
        let d = try DaemonProcess(stateDirectory: state, configDirectory: conf.path)
        try await d.start()
        defer { d.signal(SIGKILL) }
        let socket = d.socketPath
        var st = stat()
        #expect(stat(socket, &st) == 0 && st.st_mode & 0o777 == 0o666, "readers must be able to connect")

        // A writer by group: writes, and the audit trail names the verified user, not $USER.
        let writer = try obligctlAs(65534, 65534, groups: [1], ["entity", "add", "acme", "ACME"], socket: socket, bin: bin)
        #expect(writer.status == 0, "\(writer)")
        let added = try obligctlAs(
            65534, 65534, groups: [1], ["event", "add", "acme", "important_data_notified", "--at", "2025-03-03"], socket: socket, bin: bin)
        #expect(added.status == 0, "\(added)")
        let (_, history) = try await d.request("GET", "/v1/obligations/1/history")
        #expect(
            (history as? [[String: Any]])?.first?["actor"] as? String == "nobody on behalf of someone", "\(String(describing: history))")

        // A reader: reads everything, changes nothing.
        let list = try obligctlAs(65534, 65534, groups: [], ["list", "--json"], socket: socket, bin: bin)
        #expect(list.status == 0 && list.stdout.contains("cn.important-data.assessment"), "\(list)")
        let refused = try obligctlAs(65534, 65534, groups: [], ["waive", "1", "--reason", "mine now"], socket: socket, bin: bin)
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("user nobody may only read") && refused.stderr.contains("[HTTP 403]"), "\(refused)")
        let (_, after) = try await d.request("GET", "/v1/obligations/1")
        #expect((after as? [String: Any])?["status"] as? String == "open", "nothing was changed")

        // Anyone else: refused even to read.
        let stranger = try obligctlAs(65533, 65533, groups: [], ["list"], socket: socket, bin: bin)
        #expect(stranger.status == 2 && stranger.stderr.contains("is not allowed to use obligd"), "\(stranger)")
        #expect(stranger.stderr.contains("add uid:65533 to group daemon or nogroup"), "\(stranger)")
    }

    /// A user outside obligd's group (a new member who has not logged in again) was told obligd is
    /// not running and how to start it: the kernel refused the socket, or its directory.
    @Test func aUserTheSocketRefusesIsToldToJoinTheGroupNotToStartObligd() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let state = try makeTemporaryDirectory("obligd-access-state")
        chmod(state.path, 0o755)
        let bin = try makeTemporaryDirectory("obligd-access-bin").appendingPathComponent("obligctl").path
        try FileManager.default.copyItem(atPath: Binaries.obligctl, toPath: bin)
        chmod((bin as NSString).deletingLastPathComponent, 0o755)
        chmod(bin, 0o755)
        let d = try DaemonProcess(stateDirectory: state)
        try await d.start()
        defer { d.signal(SIGKILL) }
        for mode in [0o755, 0o750] as [mode_t] {
            // 0755: the socket (0660) refuses the connection; 0750: its directory refuses the lookup.
            chmod(state.path, mode)
            let r = try obligctlAs(65534, 65534, groups: [], ["status"], socket: d.socketPath, bin: bin)
            #expect(r.status == 2, "\(mode): \(r)")
            #expect(r.stderr.contains("permission denied on obligd's socket \(d.socketPath)"), "\(mode): \(r)")
            #expect(r.stderr.contains("sudo usermod -aG obligd"), "\(mode): \(r)")
            #expect(!r.stderr.contains("not running"), "\(mode): \(r)")
        }
    }

    @Test func aReadersGroupThatDoesNotExistStopsObligdWithTheReason() async throws {
        let conf = try makeTemporaryDirectory("obligd-access-bad")
        try #"{"access": {"readers": "no-such-group-here"}}"#.write(
            to: conf.appendingPathComponent("obligd.json"), atomically: true, encoding: .utf8)
        let state = try makeTemporaryDirectory("obligd-access-bad-state")
        let r = try runProcess(
            Binaries.obligd, ["--state-dir", state.path, "--socket", state.appendingPathComponent("s").path, "--config", conf.path],
            timeout: .seconds(30))
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("access.readers: no group 'no-such-group-here'"), "\(r)")
    }
}
