import DeadlineKit
import Foundation
import TestSupport
import Testing

@testable import Rules

/// Fails when config/ and Sources/Rules/EmbeddedConfig.swift differ: after editing config/, run
/// scripts/embed-config. Reads config/ from the package directory found via #filePath.
@Suite("Embedded config matches config/")
struct EmbeddedConfigTests {
    static func configFiles() throws -> [String: String] {
        // Resolve symbolic links: FileManager's enumerator does not descend into a linked root.
        let root = repositoryRoot().appendingPathComponent("config").resolvingSymlinksInPath()
        var out: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        while let rel = enumerator?.nextObject() as? String {
            guard rel.hasSuffix(".json") else { continue }
            let data = try #require(FileManager.default.contents(atPath: root.appendingPathComponent(rel).path))
            out[rel] = String(decoding: data, as: UTF8.self)
        }
        return out
    }

    @Test("same files, same bytes")
    func sameFiles() throws {
        let onDisk = try Self.configFiles()
        #expect(!onDisk.isEmpty, "no config/ found at \(repositoryRoot().path)")
        let embedded = EmbeddedConfig.files
        #expect(
            Set(onDisk.keys) == Set(embedded.keys),
            "config/ and EmbeddedConfig differ in files: run scripts/embed-config")
        for (path, text) in onDisk {
            guard let e = embedded[path] else { continue }
            // scripts/embed-config puts each file inside a multi-line raw string whose closing
            // delimiter is on its own line, so the file's final newline is not part of the literal.
            #expect(text == e + "\n" || text == e, "config/\(path) differs from EmbeddedConfig: run scripts/embed-config")
        }
    }

    @Test("loading config/ as an overlay gives the same calendars and rules as the embedded defaults")
    func sameMeaning() throws {
        let dir = repositoryRoot().appendingPathComponent("config").path
        let fromDisk = try Configuration.load(directory: dir)
        let embedded = Embedded.configuration
        #expect(Set(fromDisk.sources.keys) == Set(embedded.sources.keys))
        #expect(fromDisk.sources.values.allSatisfy { $0 != "embedded" }, "every file should come from disk")
        #expect(fromDisk.rules.map(\.id) == embedded.rules.map(\.id))
        let a = try fromDisk.calendar("cn"), b = try embedded.calendar("cn")
        #expect(a.years == b.years)
        var differing: [CivilDate] = []
        for n in a.firstDay.dayNumber...a.lastDay.dayNumber {
            let day = CivilDate(dayNumber: n)
            if try a.isWorkingDay(day) != b.isWorkingDay(day) { differing.append(day) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10))")
    }

    /// Reruns scripts/embed-config on a copy of the package's config/ in a scratch directory and
    /// compares its output with Sources/Rules/EmbeddedConfig.swift byte for byte. Uses the script
    /// itself, so a change to the script's format is picked up too.
    @Test("rerunning scripts/embed-config changes nothing")
    func rerunScript() throws {
        let fm = FileManager.default
        let root = repositoryRoot().resolvingSymlinksInPath()
        let dir = try TempDir(prefix: "obligd-embed")
        defer { withExtendedLifetime(dir) {} }
        let scratch = dir.url
        try fm.createDirectory(at: scratch.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        try fm.createDirectory(at: scratch.appendingPathComponent("Sources/Rules"), withIntermediateDirectories: true)
        try fm.copyItem(
            at: root.appendingPathComponent("scripts/embed-config"),
            to: scratch.appendingPathComponent("scripts/embed-config"))
        try fm.copyItem(
            at: root.appendingPathComponent("config").resolvingSymlinksInPath(),
            to: scratch.appendingPathComponent("config"))
        let run = try runProcess("bash", [scratch.appendingPathComponent("scripts/embed-config").path])
        #expect(run.status == 0, "\(run)")
        let regenerated = try #require(fm.contents(atPath: scratch.appendingPathComponent("Sources/Rules/EmbeddedConfig.swift").path))
        let current = try #require(fm.contents(atPath: root.appendingPathComponent("Sources/Rules/EmbeddedConfig.swift").path))
        #expect(regenerated == current, "Sources/Rules/EmbeddedConfig.swift is stale: run scripts/embed-config")
    }
}
