import Rules
import Synchronization

/// The configuration in force. A reload swaps it whole, and only after the new one loaded without error.
package final class ConfigHolder: Sendable {
    private let current: Mutex<Configuration>
    /// The configuration directory; nil: the embedded defaults alone.
    package let directory: String?
    /// Checks what the pure loader cannot (webhook receivers, credentials, templates) before a swap.
    let validate: @Sendable (Configuration) throws(ConfigError) -> Void

    /// Loads and checks the configuration; throws, naming what is wrong, when it does not load, so
    /// obligd does not start on it.
    package init(
        directory: String?, validate: @escaping @Sendable (Configuration) throws(ConfigError) -> Void = { _ in }
    ) throws(ConfigError) {
        self.directory = directory
        self.validate = validate
        let loaded = try Configuration.load(directory: directory)
        try validate(loaded)
        current = Mutex(loaded)
    }

    /// The configuration in force, whole: a reader never sees half of a reload.
    package var configuration: Configuration { current.withLock { $0 } }

    /// Loads the configuration again; on error the old one stays and the error is thrown.
    @discardableResult
    package func reload() throws(ConfigError) -> Configuration {
        let fresh = try Configuration.load(directory: directory)
        try validate(fresh)
        current.withLock { $0 = fresh }
        return fresh
    }
}
