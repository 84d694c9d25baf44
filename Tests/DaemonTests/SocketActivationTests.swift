import Foundation
import TestSupport
import Testing

/// Socket activation (#17, part 7) with systemd's own tool for it, `systemd-socket-activate`: it
/// binds the socket and starts obligd on the first connection with the socket passed as fd 3
/// (LISTEN_FDS), as obligd.socket does under systemd (scripts/test-systemd checks that unit).
@Suite(.serialized) struct SocketActivationTests {
    @Test func obligdServesTheSocketSystemdPassesAndStopsCleanly() throws {
        let dir = try makeTemporaryDirectory("obligd-sa").path
        // A shell runs the scenario: the tool execs obligd in its own process, which Foundation's
        // Process would not see exit.
        let script = """
            set -u
            S=\(dir)/obligd.sock
            systemd-socket-activate -l "$S" -- "\(Binaries.obligd)" --state-dir "\(dir)" --socket "$S" 2>"\(dir)/log" &
            pid=$!
            for _ in $(seq 200); do [ -S "$S" ] && break; sleep 0.05; done
            "\(Binaries.obligctl)" entity add acme ACME --socket "$S"
            "\(Binaries.obligctl)" entity list --socket "$S"
            kill -TERM $pid; wait $pid; echo "exit=$?"
            cat "\(dir)/log"
            """
        let r = try runProcess("/bin/bash", ["-c", script], timeout: .seconds(60))
        #expect(r.stdout.contains("entity acme added"), "\(r)")
        #expect(r.stdout.contains("acme  ACME"), "the second request, on the same socket: \(r)")
        #expect(r.stdout.contains("obligd ready on \(dir)/obligd.sock (from systemd)"), "\(r)")
        #expect(r.stdout.contains("exit=0") && r.stdout.contains("obligd stopped"), "\(r)")
    }
}
