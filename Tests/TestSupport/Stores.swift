import Foundation
import Rules
import Store

/// The compiled-in configuration (rule packs, calendars, templates).
/// Why: most tests run under the shipped rules; loading them builds calendars for 2008-2099 with the
/// holiday estimator, which takes a moment, so it is done once per test process.
package enum Embedded {
    /// The embedded defaults, loaded once.
    package static let configuration: Rules.Configuration = try! Rules.Configuration.load(directory: nil)

    /// The embedded defaults with `obligdJSON` as obligd.json (receivers, delivery, reminder settings).
    package static func configuration(obligdJSON: String?) -> Rules.Configuration {
        var c = configuration
        if let obligdJSON { c.files["obligd.json"] = Data(obligdJSON.utf8) }
        return c
    }
}

/// A new, empty SQLite `ObligationStore` (schema migrated) in `directory`, or in a fresh temporary
/// directory when nil. Why: tests run against the real store, never a mock, each on its own file.
package func makeTemporaryStore(in directory: String? = nil) throws -> ObligationStore {
    let dir = try directory ?? makeTemporaryDirectory("obligd-store").path
    return try ObligationStore(path: dir + "/obligd.sqlite")
}
