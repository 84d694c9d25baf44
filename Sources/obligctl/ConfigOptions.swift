import APIModel
import ArgumentParser
import Foundation
import Rules

/// Where obligctl reads calendars and rule packs from when it works offline.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration directory overlaying the embedded defaults.", valueName: "dir"))
    var config: String?

    /// The directory read: --config, $OBLIGD_CONFIG, else /etc/obligd when it holds calendars or rules.
    var directory: String? {
        if let dir = config ?? EnvironmentValue.value("OBLIGD_CONFIG", in: ProcessInfo.processInfo.environment) { return dir }
        let fm = FileManager.default
        return fm.fileExists(atPath: "/etc/obligd/calendars") || fm.fileExists(atPath: "/etc/obligd/rules") ? "/etc/obligd" : nil
    }

    /// Where a command writes a configuration file: the directory read, or /etc/obligd when it exists
    /// (the service's ConfigurationDirectory, which obligd reads under systemd before it holds calendars).
    func writableDirectory() throws -> String {
        var isDir: ObjCBool = false
        if let dir = directory
            ?? (FileManager.default.fileExists(atPath: "/etc/obligd", isDirectory: &isDir) && isDir.boolValue ? "/etc/obligd" : nil)
        {
            return dir
        }
        throw UsageFailure(
            "no configuration directory to write to: give --config DIR (the directory obligd reads), set OBLIGD_CONFIG, or use --output FILE"
        )
    }

    func load() throws -> Configuration {
        do {
            return try Configuration.load(directory: directory)
        } catch {
            throw UsageFailure("configuration: \(error.description)", code: 2)
        }
    }
}

/// A failure that prints one line to stderr and exits with `code` (2 for bad input).
struct UsageFailure: Error, CustomStringConvertible {
    var message: String
    var code: Int32
    init(_ message: String, code: Int32 = 2) {
        self.message = message
        self.code = code
    }
    var description: String { message }
}

extension ParsableCommand {
    /// Prints `failure` as one line on stderr and exits with its status, bypassing ArgumentParser's usage text.
    static func fail(_ failure: UsageFailure) -> Never {
        FileHandle.standardError.write(Data("obligctl: \(failure.message)\n".utf8))
        Foundation.exit(failure.code)
    }
}

func writeOut(_ s: String) { FileHandle.standardOutput.write(Data(s.utf8)) }
/// A note for the person at the terminal, beside the output a script reads.
func writeErr(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
