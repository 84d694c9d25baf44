import Foundation
import Rules

/// Reads credentials from files: an absolute path, or a bare name resolved in systemd's
/// `$CREDENTIALS_DIRECTORY` (`LoadCredential=` / `SetCredential=`), so secrets never appear on a
/// command line or in obligd.json. Errors name the file but never its content.
struct CredentialReader {
    let environment: [String: String]

    func path(for reference: String, in o: JSONObject, key: String) throws(ConfigError) -> String {
        if reference.hasPrefix("/") { return reference }
        guard !reference.contains("/") else {
            throw o.error(key, "'\(reference)' must be an absolute path or a credential name without '/'")
        }
        guard let dir = environment["CREDENTIALS_DIRECTORY"], !dir.isEmpty else {
            throw o.error(
                key,
                "credential '\(reference)' needs $CREDENTIALS_DIRECTORY (systemd LoadCredential=), which is not set; or give an absolute path"
            )
        }
        return (dir as NSString).appendingPathComponent(reference)
    }

    func read(_ reference: String, in o: JSONObject, key: String, defaulted: Bool = false) throws(ConfigError) -> Secret {
        let path: String
        do throws(ConfigError) { path = try self.path(for: reference, in: o, key: key) } catch {
            if defaulted {
                throw o.error(
                    key, "missing: give \(key), or pass the systemd credential '\(reference)' ($CREDENTIALS_DIRECTORY is not set)")
            }
            throw error
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let why =
                FileManager.default.fileExists(atPath: path) ? "cannot read \(path) (check its permissions)" : "\(path) does not exist"
            throw o.error(key, defaulted ? "missing: give \(key), or provide the credential file (\(why))" : why)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw o.error(key, "\(path) is not UTF-8 text") }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw o.error(key, "\(path) is empty") }
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
