import APIModel
import Foundation

/// Where obligd keeps its state and its socket, following systemd's and XDG's conventions so that it
/// runs the same under a unit, as root, and as an ordinary user.
package struct DaemonPaths: Sendable {
    /// Absolute; holds the SQLite database, the state lock and backups.
    package var stateDirectory: String
    /// The API's Unix socket, absolute.
    package var socketPath: String
    /// Where calendars, rules and obligd.json are read; nil: the embedded defaults alone.
    package var configDirectory: String?

    /// Resolves each path: the argument (made absolute), else systemd's or XDG's variable, else root's or a user's
    /// default (for the configuration, `/etc/obligd` when it holds calendars or rules).
    package init(
        stateDirectory: String? = nil, socketPath: String? = nil, configDirectory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        let root = geteuid() == 0
        let home = EnvironmentValue.value("HOME", in: environment) ?? NSHomeDirectory()
        let state =
            stateDirectory.map(Self.absolute) ?? SocketLocation.defaultStateDirectory(environment: environment, isRoot: root, home: home)
        self.stateDirectory = state
        self.socketPath =
            socketPath.map(Self.absolute) ?? SocketLocation.defaultPath(environment: environment, isRoot: root, stateDirectory: state)
        let conf =
            configDirectory.map(Self.absolute) ?? EnvironmentValue.firstDirectory("CONFIGURATION_DIRECTORY", in: environment)
            ?? (FileManager.default.fileExists(atPath: "/etc/obligd/calendars")
                || FileManager.default.fileExists(atPath: "/etc/obligd/rules") ? "/etc/obligd" : nil)
        self.configDirectory = conf
    }

    /// The SQLite database in the state directory (unused when the state is on PostgreSQL).
    package var databasePath: String { "\(stateDirectory)/obligd.sqlite" }

    /// A path given on the command line, relative to the working directory as a shell user means it
    /// (`--socket obligd.sock` was refused as a socket in a directory named ""), and absolute from
    /// then on, so that the log's "ready on ..." names a path obligctl can be given anywhere.
    static func absolute(_ path: String) -> String {
        guard !path.isEmpty, !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
            .standardizedFileURL.path
    }

    /// Creates the state and socket directories (0750) if missing. A directory that cannot be made
    /// is refused with its path, the reason and the option that names it, not Foundation's error.
    package func prepare() throws {
        let socketDirectory = (socketPath as NSString).deletingLastPathComponent
        for (dir, what, option) in [
            (stateDirectory, "state directory", "--state-dir or STATE_DIRECTORY"),
            (socketDirectory, "socket's directory", "--socket or RUNTIME_DIRECTORY")
        ] {
            guard !dir.isEmpty else {
                throw StartupError(description: "the \(what) is empty; name a directory with \(option)")
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw StartupError(description: "the \(what) \(dir) exists and is not a directory; name a directory with \(option)")
            }
            do {
                try FileManager.default.createDirectory(
                    atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
            } catch {
                throw StartupError(
                    description: "cannot create the \(what) \(dir): \(Self.reason(error)); "
                        + "choose a directory obligd may create or write with \(option)")
            }
        }
    }

    /// The system's words for why a file operation failed ("Not a directory"), else Foundation's.
    static func reason(_ error: any Error) -> String {
        if let posix = (error as? CocoaError)?.underlying as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        return (error as NSError).localizedDescription
    }
}
