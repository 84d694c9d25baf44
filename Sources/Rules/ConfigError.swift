/// A configuration file that cannot be used: names the file, the place inside it, and the fix.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var path: String
    public var problem: String

    public init(file: String, path: String, problem: String) {
        self.file = file
        self.path = path
        self.problem = problem
    }

    public var description: String { path.isEmpty ? "\(file): \(problem)" : "\(file): at \(path): \(problem)" }
}
