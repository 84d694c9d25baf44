import Foundation

/// Reading a file named on the command line.
enum InputFile {
    /// The bytes of `path`, or a `UsageFailure` that says why not (no such file, a directory, not
    /// readable) instead of Foundation's error domain and code.
    static func read(_ path: String) throws -> Data {
        if let data = FileManager.default.contents(atPath: path) { return data }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw UsageFailure("\(path): no such file; check the path")
        }
        if isDirectory.boolValue { throw UsageFailure("\(path) is a directory; give a file") }
        throw UsageFailure("cannot read '\(path)'; check its permissions")
    }
}
