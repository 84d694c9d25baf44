import Foundation
import Rules
import TestSupport
import Testing

/// obligd.json as a whole: a section obligd does not know is refused (a misspelled `receivers`
/// started obligd without its webhooks, unsaid), `$comment` keys are let through, and a file that
/// is there but cannot be read fails the load instead of being skipped.
@Suite struct MainFileTests {
    @Test func aMisspelledSectionIsRefusedNamingTheKnownOnes() throws {
        let dir = try TempDir(prefix: "obligd-main", files: ["obligd.json": #"{"reciever": [], "$comment": "x"}"#])
        let error = #expect(throws: ConfigError.self) { try Configuration.load(directory: dir.path) }
        #expect(error?.file == dir.full("obligd.json"), "\(String(describing: error))")
        #expect(error?.path == "reciever", "\(String(describing: error))")
        #expect(error?.problem.contains("unknown key 'reciever'; known keys here: access, database, delivery, people") == true)
    }

    @Test func everySectionObligdReadsAndCommentsAreAccepted() throws {
        let text = #"""
            {"$comment": ["a"], "$comment-2": "b", "receivers": [], "delivery": {}, "people": {}, "reminders": {},
             "access": {}, "database": {}}
            """#
        let dir = try TempDir(prefix: "obligd-main", files: ["obligd.json": text])
        _ = try Configuration.load(directory: dir.path)
        // The shipped example too.
        let shipped = try String(contentsOfFile: repositoryRoot().appendingPathComponent("config/obligd.json").path, encoding: .utf8)
        let shippedDir = try TempDir(prefix: "obligd-main", files: ["obligd.json": shipped])
        _ = try Configuration.load(directory: shippedDir.path)
    }

    @Test func anObligdJSONThatCannotBeReadFailsTheLoad() throws {
        let dir = try TempDir(prefix: "obligd-main", files: [:])
        // A dangling link reads as nothing, as a file obligd may not read does (tests run as root,
        // which reads any file).
        try FileManager.default.createSymbolicLink(atPath: dir.full("obligd.json"), withDestinationPath: dir.full("gone.json"))
        let error = #expect(throws: ConfigError.self) { try Configuration.load(directory: dir.path) }
        #expect(error?.file == dir.full("obligd.json"), "\(String(describing: error))")
        #expect(error?.problem.contains("cannot read the file") == true, "\(String(describing: error))")
    }
}
