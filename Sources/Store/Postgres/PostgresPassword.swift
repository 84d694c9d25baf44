import Foundation

/// The password for the database role, read from a file, never from a URL, an argument or the
/// environment's value itself.
///
/// Why a wrapper: `description` and `debugDescription` print `<redacted>`, so interpolating the
/// value into a log line or an error by mistake cannot leak it; only `PostgresURL.configuration`
/// reads `secret`.
package struct PostgresPassword: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The password itself.
    let secret: String

    /// The name of the systemd credential obligd reads when no password file is given
    /// (`LoadCredential=obligd-db-password:/etc/obligd/db-password` puts it in `$CREDENTIALS_DIRECTORY`).
    package static let credentialName = "obligd-db-password"

    /// A password given in code (tests). Why: the same type as one read from a file.
    package init(_ secret: String) { self.secret = secret }

    /// Never the password. Why: a value that reaches a log must not carry it.
    package var description: String { "<redacted>" }
    /// Never the password, in `String(reflecting:)` and the debugger alike.
    package var debugDescription: String { "<redacted>" }

    /// The password from `passwordFile` when given, else from `$CREDENTIALS_DIRECTORY/obligd-db-password`
    /// when that file exists, else nil (a server that trusts the socket peer, or a certificate).
    /// One trailing newline is dropped, as editors add one. Why nil rather than an error: trust and
    /// peer authentication on a Unix socket need no password, and the server says if it wanted one.
    ///
    /// - Parameter source: where `passwordFile` was given (`--database-password-file`, or
    ///   `database.passwordFile` in obligd.json), named in an error so the fix points at it.
    package static func load(
        passwordFile: String?, source: String = "--database-password-file",
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Self? {
        if let passwordFile {
            return try read(passwordFile, field: source, fix: "point \(source) at a readable file holding only the password")
        }
        guard let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty else { return nil }
        let path = directory + "/" + credentialName
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try read(path, field: "credential \(credentialName)", fix: "give the credential a file holding only the password")
    }

    /// The password in the file at `path`, or an error naming `field` and `fix` (never the content).
    static func read(_ path: String, field: String, fix: String) throws -> Self {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw StoreError.invalid(field: field, problem: "cannot read \(path): \(error.localizedDescription)", fix: fix)
        }
        var text = String(decoding: data, as: UTF8.self)
        // "\r\n" is one Character in Swift, so one removeLast drops either line ending.
        if text.hasSuffix("\n") || text.hasSuffix("\r\n") { text.removeLast() }
        guard !text.isEmpty else { throw StoreError.invalid(field: field, problem: "\(path) is empty", fix: fix) }
        return Self(text)
    }
}
