import APIModel
import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore

/// Options every daemon command shares: where the socket is.
struct ClientOptions: ParsableArguments {
    @Option(help: ArgumentHelp("obligd's Unix socket (default: $OBLIGD_SOCKET, else the daemon's default).", valueName: "path"))
    var socket: String?

    var socketPath: String {
        let env = ProcessInfo.processInfo.environment
        if let socket { return socket }
        if let s = EnvironmentValue.value("OBLIGD_SOCKET", in: env) { return s }
        let root = geteuid() == 0
        let state = SocketLocation.defaultStateDirectory(
            environment: env, isRoot: root, home: EnvironmentValue.value("HOME", in: env) ?? NSHomeDirectory())
        let own = SocketLocation.defaultPath(environment: env, isRoot: root, stateDirectory: state)
        // A user's own obligd if one runs, else the system service's socket.
        if !FileManager.default.fileExists(atPath: own), DaemonClient.present(SocketLocation.systemPath) {
            return SocketLocation.systemPath
        }
        return own
    }

    func client() -> DaemonClient { DaemonClient(socketPath: socketPath, idempotencyKey: nil) }
}

/// Options of the commands that write: the socket and an idempotency key for safe retries. Read-only
/// commands do not offer the key, since there is nothing to repeat safely.
struct WriteOptions: ParsableArguments {
    @OptionGroup var connection: ClientOptions

    @Option(
        help: ArgumentHelp(
            "Idempotency key for this write: retrying with the same key never writes twice (default: a fresh one).", valueName: "key"))
    var idempotencyKey: String?

    var socketPath: String { connection.socketPath }

    func client() -> DaemonClient { DaemonClient(socketPath: socketPath, idempotencyKey: idempotencyKey) }
}

/// A thin JSON client of obligd's API over its Unix socket.
struct DaemonClient {
    let socketPath: String
    let idempotencyKey: String?

    enum Failure: Error, CustomStringConvertible {
        case notRunning(String)
        /// The socket is there but this user may not use it (not in group obligd).
        case noAccess(String)
        case api(status: Int, body: APIErrorBody)

        var description: String {
            switch self {
            case let .notRunning(path):
                return
                    "obligd is not running (nothing answers on \(path)). Start it with 'obligd' (or 'systemctl start obligd'), or point obligctl at its socket with --socket or OBLIGD_SOCKET."
            case let .noAccess(path):
                return "permission denied on obligd's socket \(path): root, obligd's own user and members of group obligd "
                    + "may use it. Add yourself to the group (sudo usermod -aG obligd $USER, then log in again or run "
                    + "'newgrp obligd'), or run obligctl with sudo."
            case let .api(status, body):
                var s = body.field.map { "\($0): " } ?? ""
                s += body.error
                if let fix = body.fix { s += " (fix: \(fix))" }
                return "\(s) [HTTP \(status)]"
            }
        }
    }

    /// Requests in one canonical form (sorted keys), so a retry sends the very same bytes.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// A client that gives up connecting after a few seconds: a local socket answers at once or not at all.
    static let http = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: .init(timeout: .init(connect: .seconds(3), read: .seconds(120))))

    func get<T: Decodable>(_ path: String, as: T.Type) async throws -> T {
        try JSONDecoder().decode(T.self, from: try await send("GET", path, body: Optional<Int>.none))
    }

    /// A GET whose answer is not JSON (the iCalendar feed): its text.
    func getText(_ path: String) async throws -> String {
        String(decoding: try await send("GET", path, body: Optional<Int>.none), as: UTF8.self)
    }

    func post<B: Encodable, T: Decodable>(_ path: String, _ body: B, as: T.Type) async throws -> T {
        try JSONDecoder().decode(T.self, from: try await send("POST", path, body: body))
    }

    /// POSTs a body that is already JSON.
    func postRaw<T: Decodable>(_ path: String, _ body: Data, as: T.Type) async throws -> T {
        try JSONDecoder().decode(T.self, from: try await send("POST", path, body: Optional<Int>.none, raw: body))
    }

    /// Whether something is at `path`, as far as this user can tell: a socket in a directory this
    /// user may not enter is there all the same (`fileExists` says no, and obligctl then pointed at
    /// another socket and called obligd not running).
    static func present(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 || errno == EACCES
    }

    /// Why `path` cannot be used, if the system says so: nothing there, or no permission.
    static func unreachable(_ path: String) -> Failure? {
        var st = stat()
        guard stat(path, &st) == 0 else { return errno == EACCES ? .noAccess(path) : .notRunning(path) }
        if access(path, R_OK | W_OK) != 0, errno == EACCES { return .noAccess(path) }
        return nil
    }

    /// A GET whose answer is bytes (an evidence file), with the answer's headers.
    func getBytes(_ path: String) async throws -> (data: Data, headers: [String: String]) {
        try await exchange("GET", path, body: Optional<Int>.none)
    }

    /// The body of a 2xx answer; any other answer is a `Failure`.
    private func send<B: Encodable>(_ method: String, _ path: String, body: B?, raw: Data? = nil) async throws -> Data {
        try await exchange(method, path, body: body, raw: raw).data
    }

    /// The body and headers of a 2xx answer; any other answer is a `Failure`.
    private func exchange<B: Encodable>(
        _ method: String, _ path: String, body: B?, raw: Data? = nil
    ) async throws -> (data: Data, headers: [String: String]) {
        if let failure = Self.unreachable(socketPath) { throw failure }
        guard let url = URL(httpURLWithSocketPath: socketPath, uri: path) else { throw Failure.notRunning(socketPath) }
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .init(rawValue: method)
        request.headers.add(name: "X-Obligd-Actor", value: ProcessInfo.processInfo.environment["USER"] ?? "uid:\(getuid())")
        let key = idempotencyKey ?? UUID().uuidString.lowercased()
        if body != nil || raw != nil {
            let data = try raw ?? DaemonClient.encoder.encode(body!)
            request.body = .bytes(ByteBuffer(bytes: data))
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Idempotency-Key", value: key)
        }
        // One retry with the same idempotency key: a write that reached the daemon is not repeated.
        var lastError: Error?
        for attempt in 0..<2 {
            do {
                let response = try await DaemonClient.http.execute(request, timeout: .seconds(120))
                let bytes = try await response.body.collect(upTo: 256 << 20)
                let data = Data(bytes.readableBytesView)
                guard (200..<300).contains(response.status.code) else {
                    let err =
                        (try? JSONDecoder().decode(APIErrorBody.self, from: data))
                        ?? APIErrorBody(error: String(decoding: data, as: UTF8.self))
                    throw Failure.api(status: Int(response.status.code), body: err)
                }
                // Names in lower case (HTTP's are case-insensitive).
                var headers: [String: String] = [:]
                for (name, value) in response.headers { headers[name.lowercased()] = value }
                return (data, headers)
            } catch let f as Failure {
                throw f
            } catch {
                lastError = error
                if let failure = Self.unreachable(socketPath) { throw failure }
                if "\(error)".contains("connect") { throw Failure.notRunning(socketPath) }
                if attempt == 0 { try await Task.sleep(for: .milliseconds(200)) }
            }
        }
        throw lastError!
    }
}

/// Runs a daemon command, printing failures as one line on stderr: exit 2 for bad input, 3 when obligd is down.
func runClient(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let f as DaemonClient.Failure {
        FileHandle.standardError.write(Data("obligctl: \(f.description)\n".utf8))
        if case .notRunning = f { throw ExitCode(3) }
        throw ExitCode(2)
    } catch let u as UsageFailure {
        FileHandle.standardError.write(Data("obligctl: \(u.message)\n".utf8))
        throw ExitCode(u.code)
    }
}

func printJSON<T: Encodable>(_ value: T) throws {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    writeOut(String(decoding: try e.encode(value), as: UTF8.self) + "\n")
}

/// Parses repeated `key=value` options.
func keyValues(_ items: [String], option: String) throws -> [String: String] {
    var out: [String: String] = [:]
    for item in items {
        guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
            throw UsageFailure("--\(option) '\(item)' is not key=value; e.g. --\(option) expires=2028-08-31")
        }
        out[String(item[..<eq])] = String(item[item.index(after: eq)...])
    }
    return out
}

/// The body of a POST that carries nothing (resume, retry all, a test send).
struct EmptyBody: Codable {}
