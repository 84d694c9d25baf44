/// A configuration file that cannot be used: names the file, the place inside it, and the fix.
package struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    package var file: String
    package var path: String
    package var problem: String

    package init(file: String, path: String, problem: String) {
        self.file = file
        self.path = path
        self.problem = problem
    }

    package var description: String { path.isEmpty ? "\(file): \(problem)" : "\(file): at \(path): \(problem)" }
}
