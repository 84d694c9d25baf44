import PostgresNIO

extension PostgresURL {
    /// The socket file of a `.socket` endpoint: libpq's name for it in the directory.
    package var socketPath: String? {
        guard case let .socket(directory, port) = endpoint else { return nil }
        return directory + "/.s.PGSQL.\(port)"
    }

    /// postgres-nio's configuration for this URL with `password`.
    /// Why here: the one place that turns obligd's settings into the client library's, so the rest of
    /// Store asks for a connection by URL and password and never sees TLS or socket details.
    package func configuration(password: PostgresPassword?) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch endpoint {
        case .socket:
            configuration = .init(unixSocketPath: socketPath!, username: user, password: password?.secret, database: database)
        case let .tcp(host, port):
            configuration = .init(host: host, port: port, username: user, password: password?.secret, database: database, tls: try tls())
        }
        configuration.options.connectTimeout = .seconds(Int64(connectTimeout))
        if let applicationName { configuration.options.additionalStartupParameters.append(("application_name", applicationName)) }
        return configuration
    }

    /// TLS as libpq's `sslmode` means it: `prefer` and `require` encrypt without verifying the
    /// server, `verify-ca` checks the certificate's chain, `verify-full` also the host name.
    func tls() throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let sslRootCert { tls.trustRoots = .file(sslRootCert) }
        switch sslMode {
        case .disable: return .disable
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        let context = try NIOSSLContext(configuration: tls)
        return sslMode == .prefer ? .prefer(context) : .require(context)
    }
}
