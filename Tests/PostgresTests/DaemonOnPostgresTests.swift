import Foundation
import Store
import TestSupport
import Testing

/// obligd with its state on PostgreSQL (`--database`), as real processes: facts registered through
/// obligctl land in the database and survive the process; a second node on the same database is
/// refused while the first holds the lease, and starts at once after the first stopped cleanly
/// (it gave the lease up).
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason), .serialized)
struct DaemonOnPostgresTests {
    /// A started obligd on `database`, in a state directory of its own; its socket answers.
    final class Node: @unchecked Sendable {
        let dir: URL
        let process = Process()
        var socket: String { dir.appendingPathComponent("s.sock").path }
        var log: String { (try? String(contentsOfFile: dir.appendingPathComponent("log").path, encoding: .utf8)) ?? "" }

        init(database: String) throws {
            dir = try makeTemporaryDirectory("obligd-pg")
            process.executableURL = URL(fileURLWithPath: Binaries.obligd)
            process.arguments = ["--state-dir", dir.path, "--socket", socket, "--database", database, "--log-format", "text"]
            FileManager.default.createFile(atPath: dir.appendingPathComponent("log").path, contents: nil)
            let out = try FileHandle(forWritingTo: dir.appendingPathComponent("log"))
            process.standardOutput = out
            process.standardError = out
        }

        /// Starts it; true once its API answers, false when it exited first.
        func start() async throws -> Bool {
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                if !process.isRunning { return false }
                if (try? obligctl(["status"], socket: socket))?.status == 0 { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw TestFailure("obligd on PostgreSQL did not become ready: \(log)")
        }

        func stop() async throws {
            guard process.isRunning else { return }
            process.terminate()
            let deadline = Date().addingTimeInterval(20)
            while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        }

        deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    }

    @Test func theStateLivesInPostgresAndOneNodeLeads() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let url = db.url.description
            let first = try Node(database: url)
            #expect(try await first.start(), "\(first.log)")
            #expect(try obligctl(["entity", "add", "acme", "Acme"], socket: first.socket).status == 0)
            let added = try obligctl(["event", "add", "acme", "important_data_notified", "--at", "2026-03-03"], socket: first.socket)
            #expect(added.status == 0, "\(added)")
            let listed = try obligctl(["list"], socket: first.socket)
            #expect(listed.stdout.contains("acme") && listed.stdout.contains("2026-05-06"), "\(listed)")

            let second = try Node(database: url)
            #expect(try await second.start() == false, "a second node must not lead beside the first")
            #expect(second.log.contains("another obligd ("), "\(second.log)")
            #expect(second.log.contains("runs on \(url)"), "\(second.log)")

            try await first.stop()
            #expect(first.process.terminationStatus == 0, "\(first.log)")
            let third = try Node(database: url)
            #expect(try await third.start(), "the lease was given up at the clean stop: \(third.log)")
            let again = try obligctl(["list"], socket: third.socket)
            #expect(again.stdout == listed.stdout, "the state is the database's, not the node's")
            try await third.stop()
        }
    }
}
