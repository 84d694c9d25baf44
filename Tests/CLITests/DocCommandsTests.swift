import Foundation
import TestSupport
import Testing

/// Every `obligctl` command the guides show in a code block still parses: a renamed option, a
/// removed subcommand or a changed argument breaks this test, not a reader's first session. Each
/// runs against a socket nobody answers, so it stops at "obligd is not running" or at a missing
/// file at the latest; only a usage error (ArgumentParser's "Usage:") fails it.
@Suite("documented obligctl commands", .serialized)
struct DocCommandsTests {
    /// The guides a newcomer reads (README.md and docs/*.md).
    static func guides() throws -> [URL] {
        let docs = repositoryRoot().appendingPathComponent("docs")
        let names = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
        return [repositoryRoot().appendingPathComponent("README.md")] + names.map { docs.appendingPathComponent($0) }
    }

    /// The `obligctl` command lines inside fenced code blocks of `text`, each split into arguments.
    static func commands(in text: String) -> [[String]] {
        var inBlock = false
        var found: [[String]] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            for command in words(line) where command.first == "obligctl" { found.append(Array(command.dropFirst())) }
        }
        return found
    }

    /// A shell line's commands as words: quotes group, `;` and `&&` separate commands, `#` after a
    /// space starts a comment, and a leading `$ ` or `sudo` is dropped.
    static func words(_ line: String) -> [[String]] {
        var commands: [[String]] = [], words: [String] = [], word = "", quote: Character?, started = false
        func endWord() {
            if started { words.append(word) }
            word = ""
            started = false
        }
        func endCommand() {
            endWord()
            while let first = words.first, first == "$" || first == "sudo" { words.removeFirst() }
            if !words.isEmpty { commands.append(words) }
            words = []
        }
        var previous: Character = " "
        for c in line {
            defer { previous = c }
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
                continue
            }
            switch c {
            case "\"", "'":
                quote = c
                started = true
            case " ", "\t": endWord()
            case ";": endCommand()
            case "&" where previous == "&": endCommand()
            case "&": continue
            case "#" where previous == " " || previous == "\t":
                endCommand()
                return commands
            default:
                word.append(c)
                started = true
            }
        }
        endCommand()
        return commands
    }

    @Test("the splitter reads the guides' shapes")
    func splitting() {
        #expect(Self.words(#"obligctl entity add acme "ACME Ltd""#) == [["obligctl", "entity", "add", "acme", "ACME Ltd"]])
        #expect(
            Self.words("obligctl rules list; obligctl rules show x") == [["obligctl", "rules", "list"], ["obligctl", "rules", "show", "x"]])
        #expect(Self.words("   obligctl status && obligctl list  # both") == [["obligctl", "status"], ["obligctl", "list"]])
        #expect(Self.words("$ sudo obligctl backup") == [["obligctl", "backup"]])
    }

    @Test("every command in README.md and docs/ parses")
    func everyDocumentedCommandParses() throws {
        var checked = 0
        for guide in try Self.guides() {
            let text = try String(contentsOf: guide, encoding: .utf8)
            for arguments in Self.commands(in: text) {
                let r = try Obligctl.run(arguments, environment: ["OBLIGD_SOCKET": "/nonexistent/obligd-doc-test.sock"])
                #expect(
                    !r.stderr.contains("Usage: obligctl") && !r.stderr.hasPrefix("Error:"),
                    "\(guide.lastPathComponent): obligctl \(arguments.joined(separator: " ")): \(r.stderr)")
                checked += 1
            }
        }
        #expect(checked >= 20, "the guides show \(checked) obligctl commands in code blocks")
    }
}
