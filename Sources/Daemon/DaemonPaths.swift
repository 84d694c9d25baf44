import APIModel
import Foundation

/// Where obligd keeps its state and its socket, following systemd's and XDG's conventions so that it
/// runs the same under a unit, as root, and as an ordinary user.
package struct DaemonPaths: Sendable {
    package var stateDirectory: String
    package var socketPath: String
    package var configDirectory: String?

    package init(
        stateDirectory: String? = nil, socketPath: String? = nil, configDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        let root = geteuid() == 0
        let home = environment["HOME"] ?? NSHomeDirectory()
        let state = stateDirectory ?? SocketLocation.defaultStateDirectory(environment: environment, isRoot: root, home: home)
        self.stateDirectory = state
        self.socketPath = socketPath ?? SocketLocation.defaultPath(environment: environment, isRoot: root, stateDirectory: state)
        let conf =
            configDirectory ?? environment["CONFIGURATION_DIRECTORY"]
            ?? (FileManager.default.fileExists(atPath: "/etc/obligd/calendars")
                || FileManager.default.fileExists(atPath: "/etc/obligd/rules") ? "/etc/obligd" : nil)
        self.configDirectory = conf
    }

    package var databasePath: String { "\(stateDirectory)/obligd.sqlite" }

    /// Creates the state and socket directories (0750) if missing.
    package func prepare() throws {
        for dir in [stateDirectory, (socketPath as NSString).deletingLastPathComponent] {
            try FileManager.default.createDirectory(
                atPath: dir, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o750])
        }
    }
}
