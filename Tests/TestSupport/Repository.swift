import Foundation

/// The checkout the tests were compiled from (`<root>/Tests/TestSupport/Repository.swift`).
/// Why: tests read files shipped beside the code (config/, systemd/, scripts/) and must find them
/// wherever the checkout or its build directory lives.
package func repositoryRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

/// Prometheus's `promtool`: the copy `scripts/install-deps --test` unpacks into `.build/tools`, else
/// one on PATH. Why: the metrics and alerting rules are checked by Prometheus's own tool.
package func promtool() throws -> String {
    let unpacked = repositoryRoot().appendingPathComponent(".build/tools/usr/bin/promtool").path
    if FileManager.default.isExecutableFile(atPath: unpacked) { return unpacked }
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        let path = "\(dir)/promtool"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    throw TestFailure("promtool not found: run scripts/install-deps --test")
}
