import PostgresNIO
import Synchronization

extension PostgresURL {
    /// A number for each connection this process opens, for postgres-nio's log metadata.
    private static let connectionIDs = Atomic<Int>(0)

    /// Opens one connection to this server with `password`.
    /// Why a wrapper: a failure comes out as `PostgresFailure.unreachable`, which names the server and
    /// the cause, instead of postgres-nio's placeholder description.
    package func connect(password: PostgresPassword?, logger: Logger) async throws -> PostgresConnection {
        let configuration = try configuration(password: password)
        let id = Self.connectionIDs.add(1, ordering: .relaxed).newValue
        do {
            return try await PostgresConnection.connect(configuration: configuration, id: id, logger: logger)
        } catch {
            throw PostgresFailure.unreachable(server: description, reason: PostgresFailure.reason(error))
        }
    }
}
