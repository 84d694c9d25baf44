import Foundation
import Rules

/// Reads credentials from files: an absolute path, or a bare name resolved in systemd's
/// `$CREDENTIALS_DIRECTORY` (`LoadCredential=` / `SetCredential=`), so secrets never appear on a
/// command line or in obligd.json. Errors name the file but never its content.
struct CredentialReader {
    let environment: [String: String]

    /// How an error names a reference: an absolute path as it is, anything else (a secret or a chat URL
    /// pasted where a path belongs, or a credential name that may be one) only by its length.
    static func shown(_ reference: String, key: String) -> String {
        if reference.hasPrefix("/"), !reference.contains("?"), !reference.contains("="), reference.count <= 256 { return reference }
        return "the value of \(key) (\(reference.count) characters, not shown in case it is a secret)"
    }

    func path(for reference: String, in o: JSONObject, key: String) throws(ConfigError) -> String {
        if reference.hasPrefix("/"), !reference.contains("://") { return reference }
        guard !reference.contains("/") else {
            throw o.error(
                key,
                "\(Self.shown(reference, key: key)) must be an absolute path or a credential name without '/'; "
                    + "put the secret or URL itself in a file and name that file here")
        }
        guard let dir = environment["CREDENTIALS_DIRECTORY"], !dir.isEmpty else {
            throw o.error(
                key,
                "\(Self.shown(reference, key: key)) names a systemd credential, which needs $CREDENTIALS_DIRECTORY "
                    + "(LoadCredential=), not set here; or give an absolute path to a file holding it"
            )
        }
        return (dir as NSString).appendingPathComponent(reference)
    }

    func read(_ reference: String, in o: JSONObject, key: String, defaulted: Bool = false) throws(ConfigError) -> Secret {
        let path: String
        do throws(ConfigError) { path = try self.path(for: reference, in: o, key: key) } catch {
            if defaulted {
                throw o.error(
                    key,
                    "missing: give \(key), or pass the systemd credential '\(reference)' ($CREDENTIALS_DIRECTORY is not set)")
            }
            throw error
        }
        let shown = Self.shown(path, key: key)
        guard let data = FileManager.default.contents(atPath: path) else {
            let why =
                FileManager.default.fileExists(atPath: path) ? "cannot read \(shown) (check its permissions)" : "\(shown) does not exist"
            throw o.error(key, defaulted ? "missing: give \(key), or provide the credential file (\(why))" : why)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw o.error(key, "\(shown) is not UTF-8 text") }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw o.error(key, "\(shown) is empty") }
        return Secret(value)
    }

    /// The default `<name>.secret` credential, if the credentials directory has it.
    func readIfPresent(_ name: String, in o: JSONObject, key: String) throws(ConfigError) -> Secret? {
        guard let dir = environment["CREDENTIALS_DIRECTORY"], !dir.isEmpty else { return nil }
        let path = (dir as NSString).appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try read(path, in: o, key: key)
    }
}
