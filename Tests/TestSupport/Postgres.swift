import Foundation
import Testing

/// The PostgreSQL server the tests may use: `OBLIGD_TEST_POSTGRES_URL`, set by `scripts/test` (which
/// starts a throwaway server with `scripts/postgres-test-server`).
///
/// Why from the environment: a developer's machine may have no PostgreSQL, and the tests that need
/// one are then skipped with `skipReason`; CI always sets it. When it is set, a server that cannot be
/// reached fails those tests: it is never taken for "no server".
package enum TestPostgres {
    /// The server's URL, or nil when the variable is unset or empty.
    package static let url: String? = ProcessInfo.processInfo.environment["OBLIGD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the PostgreSQL tests run. Why a property: `.enabled(if: TestPostgres.available, ...)`.
    package static var available: Bool { url != nil }

    /// Why a PostgreSQL test was skipped, and how to run it.
    package static let skipReason = Comment(
        rawValue: "OBLIGD_TEST_POSTGRES_URL is not set, so the PostgreSQL tests are skipped; scripts/test starts a server and sets it, "
            + "or run: export OBLIGD_TEST_POSTGRES_URL=$(scripts/postgres-test-server start $(mktemp -d))")
}
