import Rules
import Synchronization

/// The configuration in force. A reload swaps it whole, and only after the new one loaded without error.
public final class ConfigHolder: Sendable {
    private let current: Mutex<Configuration>
    public let directory: String?

    public init(directory: String?) throws(ConfigError) {
        self.directory = directory
        current = Mutex(try Configuration.load(directory: directory))
    }

    public var configuration: Configuration { current.withLock { $0 } }

    /// Loads the configuration again; on error the old one stays and the error is thrown.
    @discardableResult
    public func reload() throws(ConfigError) -> Configuration {
        let fresh = try Configuration.load(directory: directory)
        current.withLock { $0 = fresh }
        return fresh
    }
}
