import Delivery
import Foundation
import Hummingbird
import Logging
import Rules
import TestSupport
import Testing

@testable import Daemon

/// openapi.yaml describes every route obligd serves and no other (#13, part 5): the router's routes
/// (the API's and the outbox's) against the document's paths and methods, both ways.
@Suite struct OpenAPITests {
    /// "METHOD /path/{param}" for each operation in openapi.yaml.
    static func documented() throws -> Set<String> {
        let text = try String(contentsOf: repositoryRoot().appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var result: Set<String> = []
        var path: String?
        var inPaths = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" {
                inPaths = true
                continue
            }
            guard inPaths else { continue }
            if !line.isEmpty, !line.hasPrefix(" ") { break }
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "),
                let method = ["get", "post", "put", "delete", "patch"].first(where: { line.hasPrefix("    \($0):") })
            {
                result.insert("\(method.uppercased()) \(path)")
            }
        }
        return result
    }

    /// "METHOD /path" to the names of its query parameters, for each operation in openapi.yaml.
    static func documentedQueries() throws -> [String: Set<String>] {
        let text = try String(contentsOf: repositoryRoot().appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var result: [String: Set<String>] = [:]
        var path: String?, operation: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("  /"), !line.hasPrefix("   ") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     "),
                let method = ["get", "post", "put", "delete", "patch"].first(where: { line.hasPrefix("    \($0):") })
            {
                operation = "\(method.uppercased()) \(path)"
                result[operation!] = []
            } else if let operation, line.contains("in: query"),
                let name = line.split(separator: "name: ").dropFirst().first?.split(separator: ",").first
            {
                result[operation, default: []].insert(String(name))
            }
        }
        return result
    }

    /// The query parameters obligd takes (`QueryParameters.taken`) are those openapi.yaml documents.
    @Test func everyQueryParameterIsDocumentedAndEveryDocumentedOneIsTaken() throws {
        let documented = try Self.documentedQueries().filter { !$0.value.isEmpty }
        #expect(documented.count >= 10)
        #expect(documented == QueryParameters.taken, "openapi.yaml: \(documented.sorted { $0.key < $1.key })")
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteIsServed() async throws {
        let store = try makeTemporaryStore()
        let config = try ConfigHolder(directory: nil)
        let server = APIServer(store: store, config: config, clock: { .init(secondsSinceEpoch: 0) }, reload: { "reloaded" })
        let router = server.router()
        let dispatcher = Dispatcher(store: store, configuration: { config.configuration }, logger: Logger(label: "test"))
        // Run and stop it: its HTTP client is shut down when run() ends.
        let running = Task { try await dispatcher.run() }
        defer { running.cancel() }
        OutboxRoutes(dispatcher: dispatcher).add(to: router, api: server)
        let served = Set(
            router.routes.map { route in
                let path = String(describing: route.path).split(separator: "/").map {
                    $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0)
                }
                return "\(route.method.rawValue) /" + path.joined(separator: "/")
            })
        let documented = try Self.documented()
        #expect(documented.count > 20)
        #expect(served.subtracting(documented).sorted() == [], "served but not in openapi.yaml")
        #expect(documented.subtracting(served).sorted() == [], "in openapi.yaml but not served")
        running.cancel()
        _ = try? await running.value
    }
}
