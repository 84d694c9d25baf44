/// A configuration file that cannot be used: names the file, the place inside it, and the fix.
package struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as `Configuration.label` names it: the path read, or `path (embedded)`.
    package var file: String
    /// Where in the file (`rules[2].period`); empty for the file as a whole.
    package var path: String
    /// What is wrong and, where it helps, what to write instead.
    package var problem: String

    /// An error at `path` of `file`.
    package init(file: String, path: String, problem: String) {
        self.file = file
        self.path = path
        self.problem = problem
    }

    /// `file: at path: problem`, the one line obligd and obligctl print.
    package var description: String { path.isEmpty ? "\(file): \(problem)" : "\(file): at \(path): \(problem)" }
}
