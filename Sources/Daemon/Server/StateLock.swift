import Foundation

/// Why obligd refused to start; says what holds the resource and what to do.
package struct StartupError: Error, CustomStringConvertible {
    /// What holds the resource and what to do, in one line obligd logs before it exits.
    package var description: String
}

/// An exclusive lock on the state directory for the daemon's lifetime (`obligd.lock`, flock): two
/// obligd on one database would both fire every reminder. The file holds the holder's PID so the
/// refusal can name it; the kernel drops the lock when the process ends, however it ends.
package final class StateLock: Sendable {
    private let fd: Int32

    /// Takes the lock on `directory/obligd.lock`, or throws `StartupError` naming the obligd (its pid) that holds it.
    package init(directory: String) throws {
        let path = "\(directory)/obligd.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw StartupError(
                description: "cannot open \(path): \(String(cString: strerror(errno))); check the state directory's owner and mode")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw StartupError(
                description: "another obligd\(holder.isEmpty ? "" : " (pid \(holder))") is running on the state directory \(directory); "
                    + "stop it first (systemctl stop obligd), or give this one its own --state-dir")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        self.fd = fd
    }

    deinit { close(fd) }
}

/// Refuses a socket path where something already answers: binding would unlink it (Hummingbird cleans
/// up an existing socket file) and take the API away from the obligd that serves it. A socket file
/// nobody answers on is stale (a crash) and may be replaced.
package func ensureSocketIsFree(_ path: String) throws {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    guard (st.st_mode & S_IFMT) == S_IFSOCK else {
        throw StartupError(description: "\(path) exists and is not a socket; remove it or choose another --socket")
    }
    let s = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard s >= 0 else { return }
    defer { close(s) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
        throw StartupError(description: "the socket path \(path) is too long (\(bytes.count) bytes); choose a shorter --socket")
    }
    withUnsafeMutableBytes(of: &address.sun_path) { buffer in
        buffer.copyBytes(from: bytes)
        buffer[bytes.count] = 0
    }
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    if connected == 0 {
        throw StartupError(
            description: "something already answers on \(path) (another obligd?); obligd does not take a live socket over: "
                + "stop that one first, or choose another --socket")
    }
}
