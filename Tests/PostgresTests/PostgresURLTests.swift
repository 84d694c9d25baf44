import PostgresNIO
import Store
import Testing

/// Reading `--database` URLs: what libpq users write must mean the same here, and a password in the
/// URL is refused without being repeated. No server needed.
@Suite struct PostgresURLTests {
    @Test func aHostParameterThatIsADirectoryIsAUnixSocket() throws {
        let url = try PostgresURL(parsing: "postgres://obligd@localhost/obligd_test?host=/tmp/pg%20x&sslmode=disable")
        #expect(url.endpoint == .socket(directory: "/tmp/pg x", port: 5432))
        #expect(url.user == "obligd" && url.database == "obligd_test" && url.sslMode == .disable)
        let configuration = try url.configuration(password: nil)
        #expect(configuration.unixSocketPath == "/tmp/pg x/.s.PGSQL.5432")
        #expect(configuration.host == nil && configuration.username == "obligd" && configuration.database == "obligd_test")
        #expect(configuration.password == nil && !configuration.tls.isAllowed)
    }

    @Test func anEncodedDirectoryAsHostOrNoHostIsASocketToo() throws {
        #expect(
            try PostgresURL(parsing: "postgresql://app@%2Frun%2Fpostgresql:5433/db").endpoint
                == .socket(directory: "/run/postgresql", port: 5433))
        let url = try PostgresURL(parsing: "postgres://app@/db")
        #expect(url.endpoint == .socket(directory: PostgresURL.defaultSocketDirectory, port: 5432))
        #expect(try PostgresURL(parsing: "postgres://app@").database == nil)
    }

    @Test func aHostNameIsTCPWithTheSSLModeOfLibpq() throws {
        let url = try PostgresURL(parsing: "postgresql://app@db.example.com:6543/obligd?sslmode=verify-full&application_name=node-a")
        #expect(url.endpoint == .tcp(host: "db.example.com", port: 6543) && url.applicationName == "node-a")
        let configuration = try url.configuration(password: nil)
        #expect(configuration.host == "db.example.com" && configuration.port == 6543 && configuration.unixSocketPath == nil)
        #expect(configuration.tls.isEnforced)
        #expect(configuration.options.additionalStartupParameters.contains { $0 == ("application_name", "node-a") })
        let preferred = try PostgresURL(parsing: "postgres://app@127.0.0.1/obligd").configuration(password: nil).tls
        #expect(preferred.isAllowed && !preferred.isEnforced)
        #expect(try !PostgresURL(parsing: "postgres://app@h/d?sslmode=disable").configuration(password: nil).tls.isAllowed)
        #expect(try PostgresURL(parsing: "postgres://app@[::1]:5433/d").endpoint == .tcp(host: "::1", port: 5433))
    }

    @Test(arguments: [
        "postgres://app:s3cr%40t@db/obligd", "postgres://app:s3cr%40t@%2Ftmp/obligd", "postgres://app@db/obligd?password=s3cr%40t"
    ])
    func aPasswordInTheURLIsRefusedWithoutRepeatingIt(text: String) throws {
        let error = try #require(throws: StoreError.self) { try PostgresURL(parsing: text, source: "--database") }
        guard case let .invalid(field, problem, fix) = error else { throw error }
        #expect(field == "--database" && problem.contains("password"))
        #expect(fix.contains("passwordFile") && fix.contains("obligd-db-password"))
        #expect(!error.description.contains("s3cr"))
    }

    @Test(arguments: [
        ("mysql://app@db/obligd", "not a PostgreSQL URL"), ("postgres://db/obligd", "no user name"),
        ("postgres://app@db:99999/obligd", "not a port number"), ("postgres://app@db/obligd?sslmode=maybe", "sslmode 'maybe'"),
        ("postgres://app@db/obligd?passfile=/x", "unknown parameter 'passfile'"), ("postgres://app@a,b/obligd", "several hosts"),
        ("postgres://app@db/obligd?connect_timeout=soon", "connect_timeout 'soon'")
    ])
    func aWrongURLSaysWhatIsWrongWhereAndHowToFixIt(text: String, problem: String) throws {
        let error = try #require(throws: StoreError.self) { try PostgresURL(parsing: text, source: "obligd.json: database") }
        guard case let .invalid(field, said, fix) = error else { throw error }
        #expect(field == "obligd.json: database" && said.contains(problem) && !fix.isEmpty, "\(error)")
    }

    @Test(arguments: [
        "postgres://obligd@localhost/obligd_test?host=/tmp/x", "postgres://app@db.example.com:6543/o?sslmode=require&application_name=n"
    ])
    func theDescriptionReadsBackAsTheSameURL(text: String) throws {
        let url = try PostgresURL(parsing: text)
        #expect(try PostgresURL(parsing: url.description) == url)
    }
}
