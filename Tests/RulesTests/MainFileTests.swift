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
        #expect(error?.problem.contains("unknown key 'reciever'; known keys here: access, database, delivery, evidence, people") == true)
    }

    @Test func everySectionObligdReadsAndCommentsAreAccepted() throws {
        let text = #"""
            {"$comment": ["a"], "$comment-2": "b", "receivers": [], "delivery": {}, "people": {}, "reminders": {},
             "access": {}, "database": {}, "evidence": {}}
            """#
        let dir = try TempDir(prefix: "obligd-main", files: ["obligd.json": text])
        _ = try Configuration.load(directory: dir.path)
        // The shipped example too.
        let shipped = try String(contentsOfFile: repositoryRoot().appendingPathComponent("config/obligd.json").path, encoding: .utf8)
        let shippedDir = try TempDir(prefix: "obligd-main", files: ["obligd.json": shipped])
        _ = try Configuration.load(directory: shippedDir.path)
    }

    /// The evidence limits: defaults without the section, the values given, and a bad value refused
    /// naming its key (a limit above the per-obligation one could never be met).
    @Test func evidenceLimitsAreReadAndABadOneIsRefused() throws {
        #expect(Embedded.configuration.evidence == EvidenceSettings(maxFileBytes: 20 << 20, maxPerObligationBytes: 100 << 20))
        let given = try TempDir(
            prefix: "obligd-main", files: ["obligd.json": #"{"evidence": {"maxFileBytes": 1000, "maxPerObligationBytes": 5000}}"#])
        #expect(try Configuration.load(directory: given.path).evidence == EvidenceSettings(maxFileBytes: 1000, maxPerObligationBytes: 5000))
        for (text, path) in [
            (#"{"evidence": {"maxFileBytes": 0}}"#, "evidence.maxFileBytes"),
            (#"{"evidence": {"maxFileBytes": 6000, "maxPerObligationBytes": 5000}}"#, "evidence.maxFileBytes"),
            (#"{"evidence": {"maxFilebytes": 10}}"#, "evidence.maxFilebytes")
        ] {
            let dir = try TempDir(prefix: "obligd-main", files: ["obligd.json": text])
            let error = #expect(throws: ConfigError.self) { try Configuration.load(directory: dir.path) }
            #expect(error?.path == path, "\(String(describing: error))")
        }
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
