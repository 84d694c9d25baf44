import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A request as a test server received it.
struct Captured: Sendable {
    var path: String
    var query: [String: String]
    var headers: [String: String]
    var body: Data
    /// The test clock's time when it arrived (ms).
    var at: Int64

    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// How a test server answers one request.
enum Answer: Sendable {
    case respond(status: Int, headers: [String: String] = [:], body: String)
    /// Never answers (until the server stops or `seconds` pass): a timeout for the client.
    case hang(seconds: Int)
}

/// A real HTTP server on 127.0.0.1 with an ephemeral port, playing a webhook platform: `answer` sees
/// each request (and how many came before it) and says what to reply.
final class TestServer: Sendable {
    let port: Int
    private let task: Task<Void, Error>
    private let received = Mutex<[Captured]>([])

    var requests: [Captured] { received.withLock { $0 } }

    static func start(
        now: @escaping @Sendable () -> Int64,
        answer: @escaping @Sendable (Captured, Int) -> Answer
    ) async throws -> TestServer {
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let box = Mutex<TestServer?>(nil)
        let router = Router()
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            let buffer = try await request.body.collect(upTo: 4 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            var query: [String: String] = [:]
            for (k, v) in request.uri.queryParameters { query[String(k)] = String(v) }
            let captured = Captured(path: request.uri.path, query: query, headers: headers, body: Data(buffer.readableBytesView), at: now())
            guard let server = box.withLock({ $0 }) else { return Response(status: .serviceUnavailable) }
            let index = server.received.withLock { r -> Int in
                r.append(captured)
                return r.count - 1
            }
            switch answer(captured, index) {
            case let .respond(status, extra, body):
                var fields = HTTPFields()
                fields[.contentType] = body.hasPrefix("{") ? "application/json" : "text/plain"
                for (k, v) in extra { fields[HTTPField.Name(k)!] = v }
                return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
            case let .hang(seconds):
                try? await Task.sleep(for: .seconds(seconds))
                return Response(status: .serviceUnavailable)
            }
        }
        router.post("**", use: handler)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "test-platform"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: {
                var l = Logger(label: "test-platform")
                l.logLevel = .critical
                return l
            }())
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await p in portStream { port = p }
        let server = TestServer(port: port, task: task)
        box.withLock { $0 = server }
        return server
    }

    private init(port: Int, task: Task<Void, Error>) {
        self.port = port
        self.task = task
    }

    func url(_ pathAndQuery: String) -> String { "http://127.0.0.1:\(port)\(pathAndQuery)" }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A TCP port on 127.0.0.1 that refuses connections: a socket is bound to it (so nobody else gets the
/// port) but never listens. Closed by `close()`.
final class RefusingPort: Sendable {
    let port: Int
    private let fd: Int32

    init() throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, len) } }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var out = sockaddr_in()
        _ = withUnsafeMutablePointer(to: &out) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        fd = s
        port = Int(UInt16(bigEndian: out.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}
