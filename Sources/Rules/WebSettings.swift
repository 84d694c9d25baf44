import Foundation

/// obligd.json's `web` section: `{"web": {"baseURL": "https://obligd.example.com"}}`, the URL people
/// reach the web view at through the TLS reverse proxy. With it, invites and chat messages carry
/// links there, cookies are `Secure`, and forms must come from it. Read here, in Rules, because the
/// web view and the chat messages (Delivery) both use it. And the names `people` gives
/// (`"people": {"li.wei": {"name": "Li Wei", "dingtalk": "..."}}`), shown for a person's id.
package struct WebSettings: Sendable, Equatable {
    package var baseURL: String?
    package var names: [String: String] = [:]

    package init(baseURL: String? = nil, names: [String: String] = [:]) {
        self.baseURL = baseURL
        self.names = names
    }

    /// The settings of the configuration in force, read once when it was loaded (a reload reads them
    /// again): pages and chat messages ask for them on every request and every message.
    package static func load(_ configuration: Configuration) throws(ConfigError) -> WebSettings { configuration.web }

    /// Reads the settings from obligd.json's text; a bad `web` section is refused at load naming the key.
    static func parse(_ data: Data, file label: String) throws(ConfigError) -> WebSettings {
        var settings = WebSettings()
        let root = try JSONObject.parse(data, file: label)
        if let web = try root.optionalObject("web") {
            try web.onlyKeys(["baseURL"], exceptPrefix: "$comment")
            if let url = try web.optionalString("baseURL") {
                let lower = url.lowercased()
                // A link goes into chat markup as it is: no spaces, brackets or quotes that could end it.
                let unsafe = url.unicodeScalars.contains { " \t\n()<>[]\"'`|".unicodeScalars.contains($0) }
                guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), url.count > 8, !unsafe else {
                    throw web.error(
                        "baseURL", "'\(url)' is not an http(s) URL; use the address people open, e.g. https://obligd.example.com")
                }
                settings.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            }
        }
        if let people = try root.optionalObject("people") {
            for name in people.values.keys {
                if let n = try people.object(name).optionalString("name") { settings.names[name] = n }
            }
        }
        return settings
    }
}
