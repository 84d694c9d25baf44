import Foundation

/// The checkout the tests were compiled from (`<root>/Tests/TestSupport/Repository.swift`).
/// Why: tests read files shipped beside the code (config/, systemd/, scripts/) and must find them
/// wherever the checkout or its build directory lives.
package func repositoryRoot() -> URL {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
