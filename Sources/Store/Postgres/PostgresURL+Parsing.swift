import Foundation

extension PostgresURL {
    /// The query parameters obligd understands, as libpq spells them.
    static let knownParameters = ["host", "port", "dbname", "user", "sslmode", "sslrootcert", "application_name", "connect_timeout"]

    /// Reads `text`, a `postgres://` or `postgresql://` URL; `source` names where it came from
    /// (`--database`, `OBLIGD_DATABASE`, `obligd.json: database`) so an error says where to fix it.
    ///
    /// Why by hand rather than with `URLComponents`: libpq's URLs put a socket directory in the host
    /// (`%2Frun%2Fpostgresql`) or in `?host=`, which URL parsers treat differently from libpq.
    /// A password, in the user part or as `?password=`, is refused without echoing the URL: it
    /// would be visible in `ps`, shell history and logs; it belongs in a file (`PostgresPassword`).
    package init(parsing text: String, source: String = "database URL") throws {
        func invalid(_ problem: String, _ fix: String) -> StoreError { StoreError.invalid(field: source, problem: problem, fix: fix) }
        guard let schemeEnd = text.range(of: "://"), ["postgres", "postgresql"].contains(text[..<schemeEnd.lowerBound]) else {
            throw invalid("not a PostgreSQL URL", "write postgres://USER@HOST:PORT/DATABASE (or ?host=/socket/dir for a Unix socket)")
        }
        let (main, query) = text[schemeEnd.upperBound...].split(at: "?")
        let (authority, path) = main.split(at: "/")
        let parameters = Self.parameters(query ?? "")
        let at = authority.lastIndex(of: "@")
        if parameters["password"] != nil || at.map({ authority[..<$0].contains(":") }) == true {
            throw invalid(
                "the URL holds a password, which would show in ps, shell history and logs",
                "remove it from the URL and put it in a file: --database-password-file (database.passwordFile in "
                    + "obligd.json), or the systemd credential obligd-db-password "
                    + "(LoadCredential=obligd-db-password:/etc/obligd/db-password)")
        }
        if let unknown = parameters.keys.sorted().first(where: { !Self.knownParameters.contains($0) }) {
            throw invalid("unknown parameter '\(unknown)'", "use only " + Self.knownParameters.joined(separator: ", "))
        }
        guard let user = parameters["user"] ?? at.flatMap({ Self.decoded(authority[..<$0]) }), !user.isEmpty else {
            throw invalid("no user name", "name the role to log in as: postgres://USER@HOST/DATABASE")
        }
        let (host, port) = try Self.hostAndPort(at.map { authority[authority.index(after: $0)...] } ?? authority, invalid)
        let database = parameters["dbname"] ?? path.flatMap { Self.decoded($0) }
        guard let portNumber = Int(parameters["port"] ?? port ?? "5432"), (1...65535).contains(portNumber) else {
            throw invalid(
                "port '\(parameters["port"] ?? port ?? "")' is not a port number", "write a number from 1 to 65535, or none for 5432")
        }
        guard let mode = SSLMode(rawValue: parameters["sslmode"] ?? "prefer") else {
            throw invalid(
                "sslmode '\(parameters["sslmode"] ?? "")' is not one obligd knows",
                "use one of " + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let timeout = Int(parameters["connect_timeout"] ?? "10"), timeout > 0 else {
            throw invalid("connect_timeout '\(parameters["connect_timeout"] ?? "")' is not a number of seconds", "write connect_timeout=10")
        }
        let hostName = parameters["host"] ?? host
        if hostName.isEmpty || hostName.hasPrefix("/") {
            endpoint = .socket(directory: hostName.isEmpty ? Self.defaultSocketDirectory : hostName, port: portNumber)
        } else {
            endpoint = .tcp(host: hostName, port: portNumber)
        }
        self.user = user
        self.database = database?.isEmpty == false ? database : nil
        sslMode = mode
        sslRootCert = parameters["sslrootcert"]
        applicationName = parameters["application_name"]
        connectTimeout = timeout
    }
}
