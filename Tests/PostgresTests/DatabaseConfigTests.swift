import Foundation
import TestSupport
import Testing

/// The server named in obligd.json (`"database": {...}`), for nodes deployed with one configuration
/// directory: obligd starts on it without `--database`, and a wrong section stops the start with
/// the file, the key and the fix.
@Suite(.enabled(if: TestPostgres.available, TestPostgres.skipReason))
struct DatabaseConfigTests {
    func configDirectory(_ obligdJSON: String) throws -> URL {
        let dir = try makeTemporaryDirectory("obligd-dbconf")
        try obligdJSON.write(to: dir.appendingPathComponent("obligd.json"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func obligdRunsOnTheServerItsConfigurationNames() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let conf = try configDirectory(#"{"database": {"url": "\#(db.url.description)", "leaseSeconds": 4}}"#)
            let node = try ClusterProcess(database: nil, config: conf)
            try await node.start()
            try await eventually("it leads") { try await node.cluster().role == "leader" }
            #expect(node.log.contains("state on PostgreSQL at \(db.url.description)"), "\(node.log)")
            #expect(try await node.request("POST", "/v1/entities", json: ["id": "acme", "name": "Acme"]).status == 201)
            let stored = try await db.value("SELECT count(*) FROM entity", as: Int64.self)
            #expect(stored == 1, "the entity is in the database obligd.json names")
            try await node.stop()
        }
    }

    /// `--database-password-file` wins over the file's `passwordFile`, which is then not read at all.
    @Test func theCommandLinesPasswordFileWinsOverTheSections() async throws {
        try await TestDatabase.with(migrated: false) { db in
            let conf = try configDirectory(
                #"{"database": {"url": "\#(db.url.description)", "passwordFile": "/nonexistent/db-password"}}"#)
            let password = conf.appendingPathComponent("pw")
            try "unused by a trusting server\n".write(to: password, atomically: true, encoding: .utf8)
            let node = try ClusterProcess(database: nil, config: conf, arguments: ["--database-password-file", password.path])
            try await node.start()
            try await eventually("it leads") { try await node.cluster().role == "leader" }
            try await node.stop()
        }
    }

    @Test(arguments: [
        (#"{"database": {"url": "mysql://db/obligd"}}"#, "obligd.json: database.url: not a PostgreSQL URL"),
        (#"{"database": {"url": "postgres://app:secret@db/obligd"}}"#, "database.passwordFile in obligd.json"),
        (#"{"database": {"url": "postgres://app@db/obligd", "pasword": "x"}}"#, "unknown key 'pasword'"),
        (#"{"database": {"url": "postgres://app@db/obligd", "leaseSeconds": 1}}"#, "database.leaseSeconds"),
        (
            #"{"database": {"url": "postgres://app@db/obligd", "passwordFile": "/nonexistent/pw"}}"#,
            "point database.passwordFile at a readable file"
        )
    ])
    func aWrongSectionStopsTheStartSayingWhereAndHow(_ json: String, _ expected: String) throws {
        let conf = try configDirectory(json)
        let state = try makeTemporaryDirectory("obligd-dbconf-state")
        let r = try runProcess(
            Binaries.obligd, ["--state-dir", state.path, "--socket", state.path + "/s.sock", "--config", conf.path],
            mergeStderr: true, timeout: .seconds(30))
        #expect(r.status != 0)
        #expect(r.stdout.contains("obligd.json") && r.stdout.contains(expected), "\(r.stdout)")
        #expect(!r.stdout.contains("secret"), "the password is not repeated: \(r.stdout)")
    }

    @Test func aLeaseOutOfRangeIsRefusedWithoutDatabaseToo() throws {
        let state = try makeTemporaryDirectory("obligd-dbconf-state")
        let r = try runProcess(
            Binaries.obligd, ["--state-dir", state.path, "--socket", state.path + "/s.sock", "--lease-seconds", "2"],
            mergeStderr: true, timeout: .seconds(30))
        #expect(r.status != 0 && r.stdout.contains("--lease-seconds 2 is out of range: use 3 to 600"), "\(r.stdout)")
    }
}
