import Foundation

/// A fresh directory under the system temp directory, removed when the value goes away.
///
/// Why: tests that write files (configuration overlays, credentials, scripts) must not see each
/// other's files or leave them behind. Keep the value alive as long as something reads the files;
/// for a directory handed to a child process that outlives the test's last use of it, use
/// `makeTemporaryDirectory(_:)` instead.
package final class TempDir: Sendable {
    /// The directory's absolute path.
    package let path: String
    /// The directory as a file URL.
    package var url: URL { URL(fileURLWithPath: path) }

    /// Creates the directory and writes `files` (relative path -> text) into it.
    package init(prefix: String = "obligd-test", files: [String: String] = [:]) throws {
        path = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (rel, text) in files { try write(rel, text) }
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `relativePath` (creating intermediate directories) and returns the full path.
    @discardableResult
    package func write(_ relativePath: String, _ text: String) throws -> String {
        let full = self.full(relativePath)
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        return full
    }

    /// The absolute path of `relativePath` inside the directory.
    package func full(_ relativePath: String) -> String { url.appendingPathComponent(relativePath).path }
}

/// Creates a uniquely named directory under the system temp directory and returns it; it is not
/// removed. Why: a daemon's state or configuration directory must outlive every reference the test
/// holds (the child process keeps using it), and leaving it helps post-mortems of a failed run.
package func makeTemporaryDirectory(_ prefix: String) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}
