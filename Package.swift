// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "obligd",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "obligd", targets: ["obligd"]),
        .executable(name: "obligctl", targets: ["obligctl"]),
        .library(name: "DeadlineKit", targets: ["DeadlineKit"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        // The web view's forms that carry files (evidence at done): multipart/form-data.
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.20.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2")
    ],
    targets: [
        // Pure: civil dates, working-day calendars, period arithmetic, explanations. No I/O, no Foundation.
        .target(name: "DeadlineKit"),
        // Rule packs and calendar files: load, validate, estimate unannounced years, evaluate facts.
        .target(name: "Rules", dependencies: ["DeadlineKit"]),
        // The only owner of state: schema, migrations, records, every SQL statement, the audit trail and
        // the outbox, behind a typed API (`ObligationStore.transaction`/`snapshot` and `Recorder`). The only
        // target that may import GRDB or PostgresNIO (scripts/check-layering).
        .target(
            name: "Store",
            dependencies: [
                "Rules", "DeadlineKit", "AuditChain", "CLinux", "APIModel",
                // Crypto: the checksums `migrate` compares on both databases.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio")
            ]),
        // The audit trail's hash chain, written by Store and verified by obligctl.
        .target(name: "AuditChain", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Request and response types shared by the daemon's API and obligctl.
        .target(name: "APIModel"),
        // What obligd counts as it happens (reminders fired, deliveries, latencies, recomputation), for
        // Prometheus; state it can read from the store is gauged by the daemon at scrape time.
        .target(name: "Telemetry", dependencies: [.product(name: "Prometheus", package: "swift-prometheus")]),
        // libsystemd: sd_notify and the journal.
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd", providers: [.apt(["libsystemd-dev"])]),
        // Turning outbox rows into journal entries and webhook requests (standard, DingTalk, Feishu, WeCom, Slack, Teams).
        .target(
            name: "Delivery",
            dependencies: [
                "Store", "Rules", "DeadlineKit", "CSystemd", "Telemetry",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio")
            ]),
        // Linux timers (timerfd, eventfd, poll) for the scheduler's zero-wake-up sleep.
        .systemLibrary(name: "CLinux"),
        // Reminder stages on time, exactly once, after downtime and clock jumps.
        .target(
            name: "Scheduler",
            dependencies: [
                "Store", "Rules", "DeadlineKit", "CLinux", "Telemetry",
                .product(name: "Logging", package: "swift-log")
            ]),
        // The officer's web view on the TCP listener: pages (swift-mustache), sessions and invites (kept by
        // Store), forms that call the same Store verbs as the API.
        .target(
            name: "Web",
            dependencies: [
                "Store", "Rules", "DeadlineKit", "APIModel", "AuditPack",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "MultipartKit", package: "multipart-kit")
            ]),
        // Audit packs (#32): what obligd recorded about an entity's obligations in a period, as JSON or one
        // self-contained HTML file (swift-mustache), and the check of a pack against the live audit trail.
        .target(
            name: "AuditPack",
            dependencies: ["Store", "Rules", "DeadlineKit", .product(name: "Mustache", package: "swift-mustache")]),
        // The daemon: HTTP API over a Unix socket, services, signals.
        .target(
            name: "Daemon",
            dependencies: [
                "Store", "Rules", "DeadlineKit", "APIModel", "CSystemd", "Scheduler", "Delivery", "Telemetry", "Web", "AuditPack",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types")
            ]),
        .executableTarget(
            name: "obligd",
            dependencies: [
                "APIModel", "Daemon", "Delivery",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log")
            ]),
        .executableTarget(
            name: "obligctl",
            dependencies: [
                // Store for `backup verify` and `migrate`, which work on files and servers without obligd;
                // AuditPack to read a pack file and compare an HTML pack with its data (`report verify`).
                "DeadlineKit", "Rules", "APIModel", "AuditChain", "Store", "AuditPack",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client")
            ]),
        // Calc throughput benchmark (scripts/bench-calc).
        .executableTarget(name: "obligd-bench", dependencies: ["DeadlineKit", "Rules"]),
        // What several test targets share: temp dirs and stores, a manual clock, polling, finding and
        // running the built binaries. A regular target so test targets can depend on it.
        .target(
            name: "TestSupport",
            dependencies: [
                "Store", "Rules", "DeadlineKit", "Scheduler", "Delivery",
                // The loopback webhook receiver (WebhookReceiver) is a Hummingbird server.
                .product(name: "Hummingbird", package: "hummingbird")
            ], path: "Tests/TestSupport"),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Store", "Rules", "DeadlineKit", "APIModel", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird")
            ]),
        .testTarget(name: "CLITests", dependencies: ["obligctl", "TestSupport"]),
        .testTarget(name: "DeadlineKitTests", dependencies: ["DeadlineKit"]),
        // Fixtures/: the published texts of holiday notices, read by path (HolidayNoticeTests).
        .testTarget(name: "RulesTests", dependencies: ["Rules", "DeadlineKit", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "APIModel", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio")
            ]),
        // The API's router in process (HummingbirdTesting), on a real store in a temp dir.
        .testTarget(
            name: "APITests",
            dependencies: [
                "Daemon", "Store", "Rules", "DeadlineKit", "APIModel", "TestSupport", "Telemetry",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird")
            ]),
        .testTarget(
            name: "DeliveryTests",
            dependencies: [
                "Delivery", "Store", "Rules", "DeadlineKit", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift")
            ]),
        .testTarget(
            name: "SchedulerTests",
            dependencies: [
                "Scheduler", "Store", "Rules", "DeadlineKit", "TestSupport",
                .product(name: "Logging", package: "swift-log")
            ]),
        // Store's PostgreSQL backend (issue #16) against a real server, one database per test; skipped
        // without OBLIGD_TEST_POSTGRES_URL (scripts/test sets it). The URL and password tests need no server.
        .testTarget(
            name: "PostgresTests",
            dependencies: [
                "Store", "TestSupport", .product(name: "PostgresNIO", package: "postgres-nio"),
                // GRDB: a migration test slows its SQLite source down with a trace hook.
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio")
            ]),
        // Audit packs built from a real store (SQLite), rendered, read back and verified.
        .testTarget(name: "AuditPackTests", dependencies: ["AuditPack", "Store", "Rules", "DeadlineKit", "TestSupport"]),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Rules", "DeadlineKit", "AuditChain", "TestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        )
    ]
)
