import APIModel
import Daemon
import Foundation
import Testing

/// Where obligd and obligctl look for state, socket and configuration when the environment names
/// them, and when it sets them empty (`Environment=STATE_DIRECTORY=` in a unit, `VAR= obligd`).
@Suite struct EnvironmentPathsTests {
    let home = "/home/officer"

    func state(_ environment: [String: String], root: Bool = false) -> String {
        SocketLocation.defaultStateDirectory(environment: environment, isRoot: root, home: home)
    }

    func socket(_ environment: [String: String], root: Bool = false) -> String {
        SocketLocation.defaultPath(environment: environment, isRoot: root, stateDirectory: "/state")
    }

    @Test func systemdsDirectoriesComeFirstAndTheFirstOfAListIsUsed() {
        #expect(state(["STATE_DIRECTORY": "/var/lib/obligd:/var/lib/other", "XDG_STATE_HOME": "/x"]) == "/var/lib/obligd")
        #expect(socket(["RUNTIME_DIRECTORY": "/run/obligd", "XDG_RUNTIME_DIR": "/run/user/1000"]) == "/run/obligd/obligd.sock")
        #expect(state(["XDG_STATE_HOME": "/home/officer/.state"]) == "/home/officer/.state/obligd")
        #expect(socket(["XDG_RUNTIME_DIR": "/run/user/1000"]) == "/run/user/1000/obligd/obligd.sock")
    }

    @Test func anEmptyVariableIsUnsetNotAPathNamedNothing() {
        #expect(state(["STATE_DIRECTORY": ""]) == "/home/officer/.local/state/obligd")
        #expect(state(["STATE_DIRECTORY": "", "XDG_STATE_HOME": ""]) == "/home/officer/.local/state/obligd")
        #expect(state(["STATE_DIRECTORY": ""], root: true) == "/var/lib/obligd")
        #expect(state(["STATE_DIRECTORY": ":"], root: true) == "/var/lib/obligd")
        #expect(socket(["RUNTIME_DIRECTORY": "", "XDG_RUNTIME_DIR": ""]) == "/state/run/obligd.sock")
        #expect(socket(["RUNTIME_DIRECTORY": ""], root: true) == "/run/obligd/obligd.sock")
    }

    @Test func aRelativeXDGDirectoryIsIgnoredAsTheSpecificationSays() {
        #expect(state(["XDG_STATE_HOME": "state"]) == "/home/officer/.local/state/obligd")
        #expect(socket(["XDG_RUNTIME_DIR": "run"]) == "/state/run/obligd.sock")
    }

    /// `obligd --socket obligd.sock` was refused: "the socket's directory is empty".
    @Test func relativePathsOnTheCommandLineAreTakenFromTheWorkingDirectory() throws {
        let cwd = FileManager.default.currentDirectoryPath
        let paths = DaemonPaths(stateDirectory: "st", socketPath: "obligd.sock", configDirectory: "./conf/", environment: [:])
        #expect(paths.socketPath == cwd + "/obligd.sock")
        #expect(paths.stateDirectory == cwd + "/st")
        #expect(paths.configDirectory == cwd + "/conf")
        let absolute = DaemonPaths(socketPath: "/run/x/../obligd.sock", environment: [:])
        #expect(absolute.socketPath == "/run/x/../obligd.sock", "an absolute path is taken as given")
    }

    @Test func daemonPathsTreatEmptyHomeAndConfigurationDirectoryAsUnset() {
        let unset = DaemonPaths(environment: [:])
        let empty = DaemonPaths(environment: ["HOME": "", "CONFIGURATION_DIRECTORY": "", "STATE_DIRECTORY": "", "RUNTIME_DIRECTORY": ""])
        #expect(empty.stateDirectory == unset.stateDirectory)
        #expect(empty.socketPath == unset.socketPath)
        #expect(empty.configDirectory == unset.configDirectory)
        #expect(!empty.stateDirectory.isEmpty && empty.stateDirectory.hasPrefix("/"))
        #expect(DaemonPaths(environment: ["CONFIGURATION_DIRECTORY": "/etc/obligd:/etc/more"]).configDirectory == "/etc/obligd")
    }
}
