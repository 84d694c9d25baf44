import Store
import TestSupport
import Testing

/// The database password comes from a file (obligd.json's `passwordFile`, or systemd's credential
/// `obligd-db-password`) and never shows in text. No server needed.
@Suite struct PostgresPasswordTests {
    @Test func thePasswordFileWinsOverTheCredentialAndLosesItsNewline() throws {
        let dir = try TempDir(files: ["pw": "from-file\n", "creds/obligd-db-password": "from-credential\r\n"])
        let environment = ["CREDENTIALS_DIRECTORY": dir.full("creds")]
        #expect(try PostgresPassword.load(passwordFile: dir.full("pw"), environment: environment) == PostgresPassword("from-file"))
        #expect(try PostgresPassword.load(passwordFile: nil, environment: environment) == PostgresPassword("from-credential"))
        #expect(try PostgresPassword.load(passwordFile: nil, environment: [:]) == nil)
        #expect(try PostgresPassword.load(passwordFile: nil, environment: ["CREDENTIALS_DIRECTORY": dir.full("none")]) == nil)
    }

    @Test func thePasswordNeverShowsInTextButReachesTheConfiguration() throws {
        let password = PostgresPassword("hunter2")
        for text in ["\(password)", String(describing: password), String(reflecting: password), "\([password])"] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
        let url = try PostgresURL(parsing: "postgres://app@db/obligd")
        #expect(try url.configuration(password: password).password == "hunter2")
    }

    @Test func aMissingOrEmptyFileSaysWhichAndHowToFixIt() throws {
        let dir = try TempDir(files: ["empty": "\n"])
        for path in [dir.full("missing"), dir.full("empty")] {
            let error = try #require(throws: StoreError.self) { try PostgresPassword.load(passwordFile: path, environment: [:]) }
            guard case let .invalid(field, problem, fix) = error else { throw error }
            #expect(field == "--database-password-file" && problem.contains(path), "\(error)")
            #expect(fix == "point --database-password-file at a readable file holding only the password", "\(error)")
            let named = try #require(throws: StoreError.self) {
                try PostgresPassword.load(passwordFile: path, source: "database.passwordFile", environment: [:])
            }
            #expect("\(named)".hasPrefix("database.passwordFile: ") && "\(named)".contains("point database.passwordFile at"))
        }
    }
}
