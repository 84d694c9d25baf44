import Foundation
import Rules
import Store

extension DatabaseOption {
    /// What obligd's command line says about the database when it names no server: the password
    /// file and the lease, which also apply to a server named in obligd.json.
    package struct Flags: Sendable {
        /// `--database-password-file`: overrides the section's `passwordFile`.
        package var passwordFile: String?
        /// `--lease-seconds`: overrides the section's `leaseSeconds`; 3 to 600.
        package var leaseSeconds: Int64?

        /// Builds the flags; nil members leave the section's keys (or the defaults) in force.
        package init(passwordFile: String? = nil, leaseSeconds: Int64? = nil) {
            self.passwordFile = passwordFile
            self.leaseSeconds = leaseSeconds
        }
    }

    /// The server named in obligd.json, nil when it names none (SQLite):
    /// `"database": {"url": "postgres://...", "passwordFile": "/etc/obligd/db-password", "leaseSeconds": 10}`.
    ///
    /// Why in obligd.json too: a cluster's nodes share one configuration directory (deployed by the
    /// same tool), and the server belongs with the rest of it; `--database` and `$OBLIGD_DATABASE`
    /// come first, and `flags` (`--database-password-file`, `--lease-seconds`) over the file's keys.
    /// Read at start: a changed server takes effect when obligd restarts.
    ///
    /// - Parameter readingPassword: false to check the section without reading the password file
    ///   (a reload's check: the file is read once, at start).
    package static func load(
        _ configuration: Configuration, flags: Flags = Flags(), readingPassword: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> DatabaseOption? {
        guard let data = configuration.files["obligd.json"] else { return nil }
        let label = configuration.label("obligd.json")
        guard let section = try JSONObject.parse(data, file: label).optionalObject("database") else { return nil }
        try section.onlyKeys(["url", "passwordFile", "leaseSeconds"])
        let text = try section.string("url")
        let url: PostgresURL
        do { url = try PostgresURL(parsing: text, source: "database.url") } catch {
            throw ConfigError(file: label, path: "", problem: "\(error)")
        }
        let fromFile = try section.optionalString("passwordFile")
        var password: PostgresPassword?
        if readingPassword {
            do {
                password = try PostgresPassword.load(
                    passwordFile: flags.passwordFile ?? fromFile,
                    source: flags.passwordFile != nil ? "--database-password-file" : "database.passwordFile",
                    environment: environment)
            } catch {
                throw ConfigError(file: label, path: "", problem: "\(error)")
            }
        }
        var option = DatabaseOption(url: url, password: password)
        let fileLease = try section.optionalInt("leaseSeconds", in: 3...600)
        if let seconds = flags.leaseSeconds ?? fileLease.map(Int64.init) { option.leaseSeconds = seconds }
        return option
    }
}
