import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Sends a built request and returns the answer; throws for transport failures (timeout, refused,
/// reset), which the dispatcher always retries.
package protocol WebhookTransport: Sendable {
    func send(_ request: WebhookRequest, timeout: Duration) async throws -> WebhookResponse
}

/// async-http-client. Bodies of answers are read up to 64 KiB (platform answers are tiny; a huge one is
/// not worth the memory) and the rest is drained.
package struct HTTPClientTransport: WebhookTransport {
    let client: HTTPClient
    static let maxBody = 64 * 1024

    /// A transport on `client`, which the caller owns and shuts down.
    package init(client: HTTPClient) { self.client = client }

    /// POSTs `request` within `timeout` (connect to last byte); a failure to get an answer throws, an error status does
    /// not.
    package func send(_ request: WebhookRequest, timeout: Duration) async throws -> WebhookResponse {
        var r = HTTPClientRequest(url: request.url)
        r.method = .POST
        for (name, value) in request.headers { r.headers.add(name: name, value: value) }
        r.headers.replaceOrAdd(name: "user-agent", value: "obligd")
        r.body = .bytes(ByteBuffer(bytes: request.body))
        let ms = Backoff.millis(timeout)
        let deadline = NIODeadline.now() + .milliseconds(ms)
        let response = try await client.execute(r, deadline: deadline)
        var body = Data()
        for try await chunk in response.body where body.count < Self.maxBody {
            body.append(contentsOf: chunk.readableBytesView.prefix(Self.maxBody - body.count))
        }
        var headers: [String: String] = [:]
        for h in response.headers { headers[h.name.lowercased()] = h.value }
        return WebhookResponse(status: Int(response.status.code), headers: headers, body: body)
    }

    /// A short, secret-free description of a transport failure (the URL is never included).
    package static func describe(_ error: Error, timeout: Duration) -> String {
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "timeout: no answer within \(timeout)"
            case .connectTimeout: return "connect timeout"
            case .remoteConnectionClosed: return "connection closed by the receiver"
            default: return "HTTP client error: \(String(describing: e))"
            }
        }
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") {
            return "connection refused"
        }
        return "transport error: " + String(text.prefix(200))
    }
}
