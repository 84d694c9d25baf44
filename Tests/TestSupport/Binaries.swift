import Foundation

/// Where the package's built executables (obligd, obligctl) are.
///
/// Why: contract and end-to-end tests run the real binaries, built by the same `swift build
/// --build-tests` as the tests. Which binary, first match wins:
/// 1. `$<NAME>_BIN` (e.g. `OBLIGCTL_BIN`, `OBLIGD_BIN`) naming the file, or `$OBLIGD_BIN_DIR` holding it;
/// 2. next to the running test executable or bundle, up to four directories up (SwiftPM puts every
///    product of a build, tests included, in the same `<scratch>/<triple>/debug` directory, so this
///    works for `.build` and for any `--scratch-path`);
/// 3. the newest `<root>/.build*/debug/<name>` or `<root>/.build*/<triple>/debug/<name>`.
package enum Binaries {
    /// The obligd daemon (a path that may not exist when it was not built).
    package static var obligd: String { path("obligd") }
    /// The obligctl client (a path that may not exist when it was not built).
    package static var obligctl: String { path("obligctl") }

    /// The built executable `name`, or `<root>/.build/debug/<name>` when none is found (running it
    /// then fails with a clear "no such file").
    package static func path(_ name: String) -> String {
        locate(name) ?? repositoryRoot().appendingPathComponent(".build/debug/\(name)").path
    }

    /// The built executable `name`, or nil when none is found.
    package static func locate(_ name: String) -> String? {
        let fm = FileManager.default
        let env = ProcessInfo.processInfo.environment
        if let file = env[name.uppercased() + "_BIN"], !file.isEmpty { return file }
        if let dir = env["OBLIGD_BIN_DIR"], !dir.isEmpty { return URL(fileURLWithPath: dir).appendingPathComponent(name).path }
        var starts: [URL] = [Bundle.main.bundleURL.appendingPathComponent("x")]
        if let exe = Bundle.main.executableURL { starts.append(exe.resolvingSymlinksInPath()) }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath())
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            starts.append(URL(fileURLWithPath: bundle.bundlePath))
        }
        for start in starts {
            var dir = start.deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = dir.appendingPathComponent(name).path
                if fm.isExecutableFile(atPath: candidate) { return candidate }
                dir = dir.deletingLastPathComponent()
            }
        }
        let root = repositoryRoot()
        var found: [(String, Date)] = []
        for entry in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] where entry.hasPrefix(".build") {
            let scratch = root.appendingPathComponent(entry)
            var dirs = [scratch.appendingPathComponent("debug")]
            for sub in (try? fm.contentsOfDirectory(atPath: scratch.path)) ?? [] {
                dirs.append(scratch.appendingPathComponent(sub).appendingPathComponent("debug"))
            }
            for dir in dirs {
                let path = dir.appendingPathComponent(name).path
                if fm.isExecutableFile(atPath: path), let date = (try? fm.attributesOfItem(atPath: path))?[.modificationDate] as? Date {
                    found.append((path, date))
                }
            }
        }
        return found.max { $0.1 < $1.1 }?.0
    }
}
