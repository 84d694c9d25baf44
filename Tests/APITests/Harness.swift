import APIModel
import DeadlineKit
import Foundation
import Hummingbird
import HummingbirdTesting
import Rules
import Store
import Telemetry
import TestSupport
import Testing

@testable import Daemon

/// The daemon's router in process: an `APIServer` on a fresh SQLite store in a temp directory, under
/// the embedded configuration (as obligd runs without --config) and a clock fixed at `now`.
struct API {
    /// Mid-June 2025: after the facial-recognition rule took effect (2025-06-01), before its first due days.
    static let now = try! Instant(parsing: "2025-06-15T00:00:00Z")

    let store: ObligationStore
    let config: ConfigHolder

    init() throws {
        store = try makeTemporaryStore()
        config = try ConfigHolder(directory: nil)
    }

    /// Runs `body` with a client of the router (no socket, no process).
    /// - Parameters:
    ///   - receivers: the receivers' queues the API reports (delivery is not running in process).
    ///   - metrics: what `/metrics` emits after its scrape-time gauges.
    func test(
        receivers: [ReceiverQueue] = [], metrics: EventMetrics = EventMetrics(),
        _ body: @Sendable @escaping (Client) async throws -> Void
    ) async throws {
        let server = APIServer(
            store: store, config: config, clock: { Self.now }, reload: { "reloaded" }, receivers: { receivers }, metrics: metrics)
        // As obligd's socket server answers: through the route table (JSON 404 and 405, query checks).
        let router = server.router()
        let routes = RouteTable(router)
        let responder = router.buildResponder()
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { req, ctx in await routes.respond(req, with: responder, context: ctx) })
        try await app.test(.router) { client in try await body(Client(client: client)) }
    }

    /// Open, done and waived obligations as the store has them, read past the API.
    func storedObligations() async throws -> [Obligation] {
        try await store.snapshot(config: config.configuration, now: Self.now) { r in
            try r.obligations(matching: .init(status: nil))
        }
    }
}

/// One answer of the router: its status and body bytes.
struct Answer: CustomStringConvertible {
    var status: Int
    var body: Data

    /// The body as JSON (object, array, ...), nil when it is none.
    var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    /// The body as a JSON object.
    var object: [String: Any] { json as? [String: Any] ?? [:] }
    /// The `field` an error body names.
    var field: String? { object["field"] as? String }

    func decode<T: Decodable>(_: T.Type) throws -> T { try JSONDecoder().decode(T.self, from: body) }

    var description: String { "HTTP \(status): \(String(decoding: body, as: UTF8.self))" }
}

/// A thin wrapper over the HummingbirdTesting client that returns `Answer`s.
struct Client: Sendable {
    let client: any TestClientProtocol

    func request(_ method: HTTPRequest.Method, _ uri: String, body: String? = nil, headers: [String: String] = [:]) async throws -> Answer {
        var fields = HTTPFields()
        if body != nil { fields[.contentType] = "application/json" }
        for (k, v) in headers { fields[.init(k)!] = v }
        return try await client.execute(uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) }) { r in
            Answer(status: Int(r.status.code), body: Data(r.body.readableBytesView))
        }
    }

    func get(_ uri: String) async throws -> Answer { try await request(.get, uri) }

    func post(_ uri: String, _ json: String = "{}", headers: [String: String] = [:]) async throws -> Answer {
        try await request(.post, uri, body: json, headers: headers)
    }

    /// POSTs an entity and requires 201.
    func entity(_ id: String, name: String? = nil) async throws {
        let r = try await post("/v1/entities", #"{"id": "\#(id)", "name": "\#(name ?? id)"}"#)
        try #require(r.status == 201, "\(r)")
    }

    /// POSTs a fact (`/v1/metrics` or `/v1/events`), requires 201 and returns the obligations it opened.
    func fact(_ path: String, _ json: String) async throws -> [ObligationView] {
        let r = try await post(path, json)
        try #require(r.status == 201, "\(r)")
        return try r.decode(FactResult.self).opened
    }

    /// `GET /v1/obligations` with `query`, requiring 200.
    func obligations(_ query: String = "") async throws -> [ObligationView] {
        let r = try await get("/v1/obligations" + query)
        try #require(r.status == 200, "\(r)")
        return try r.decode([ObligationView].self)
    }
}
