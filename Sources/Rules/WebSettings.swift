import Foundation

/// obligd.json's `web` section: `{"web": {"baseURL": "https://obligd.example.com"}}`, the URL people
/// reach the web view at through the TLS reverse proxy. With it, invites and chat messages carry
/// links there, cookies are `Secure`, and forms must come from it. Read here, in Rules, because the
/// web view and the chat messages (Delivery) both use it. And the names `people` gives
/// (`"people": {"li.wei": {"name": "Li Wei", "dingtalk": "..."}}`), shown for a person's id.
///
/// For single sign-on, `"trustedProxy"` (an address, or a list) and `"userHeader"` (e.g.
/// `X-Forwarded-User`): a request whose TCP peer is that proxy is the person the header names, with
/// the `webRole` the people map gives them (reader unless it says writer). The header of a request from
/// anywhere else is ignored, so nobody can name themselves by sending it directly.
package struct WebSettings: Sendable, Equatable {
    /// The address people open the web view at, without a trailing slash; nil: no links, no `Secure` cookies.
    package var baseURL: String?
    /// People's display names by id (`people.<id>.name`), shown instead of the bare id.
    package var names: [String: String] = [:]
    /// The reverse proxies' addresses, canonical (as `inet_ntop` writes them), whose user header is believed.
    package var trustedProxies: Set<String> = []
    /// The header the trusted proxy names the signed-in user in.
    package var userHeader: String?
    /// The web roles the people map gives (`"webRole": "writer"`), for people the proxy vouches for.
    package var roles: [String: WebRole] = [:]

    /// Settings as given; the rest are off (no proxy, no header, no roles).
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
            try web.onlyKeys(["baseURL", "trustedProxy", "userHeader"], exceptPrefix: "$comment")
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
            try parseProxy(web, into: &settings)
        }
        if let people = try root.optionalObject("people") {
            for name in people.values.keys {
                let person = try people.object(name)
                if let n = try person.optionalString("name") { settings.names[name] = n }
                if let r = try person.optionalString("webRole") {
                    guard let role = WebRole(rawValue: r) else {
                        throw person.error("webRole", "'\(r)' is not a web role; use reader or writer")
                    }
                    settings.roles[name] = role
                }
            }
        }
        return settings
    }

    /// `trustedProxy` and `userHeader`, which make sense only together.
    private static func parseProxy(_ web: JSONObject, into settings: inout WebSettings) throws(ConfigError) {
        var proxies: [String] = []
        if web.values["trustedProxy"] is String {
            proxies = [try web.string("trustedProxy")]
        } else if web.has("trustedProxy") {
            proxies = try web.strings("trustedProxy")
        }
        for p in proxies {
            guard let canonical = canonicalAddress(p) else {
                throw web.error(
                    "trustedProxy", "'\(p)' is not an IP address; give the reverse proxy's address as obligd sees it, e.g. 127.0.0.1")
            }
            settings.trustedProxies.insert(canonical)
        }
        if let header = try web.optionalString("userHeader") {
            let token = header.utf8.allSatisfy { b in
                (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F
            }
            guard !header.isEmpty, header.count <= 64, token else {
                throw web.error("userHeader", "'\(header)' is not a header name; use e.g. X-Forwarded-User")
            }
            settings.userHeader = header
        }
        if settings.trustedProxies.isEmpty != (settings.userHeader == nil) {
            throw web.error(
                settings.userHeader == nil ? "userHeader" : "trustedProxy",
                "trustedProxy and userHeader go together: set both (the proxy's address and the header it names the user in) or neither")
        }
    }

    /// `text` as `inet_ntop` writes the address it parses as (IPv4 or IPv6), or nil: `::1` and
    /// `0:0:0:0:0:0:0:1` are one proxy. An IPv4-mapped IPv6 address is taken as its IPv4 address.
    package static func canonicalAddress(_ text: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var v4 = in_addr()
        var v6 = in6_addr()
        let written: UnsafePointer<CChar>?
        if inet_pton(AF_INET, text, &v4) == 1 {
            written = inet_ntop(AF_INET, &v4, &buffer, socklen_t(buffer.count))
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            written = inet_ntop(AF_INET6, &v6, &buffer, socklen_t(buffer.count))
        } else {
            return nil
        }
        guard written != nil else { return nil }
        let s = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if s.lowercased().hasPrefix("::ffff:"), s.contains("."), let mapped = canonicalAddress(String(s.dropFirst(7))) {
            return mapped
        }
        return s
    }
}

/// What a person may do in the web view: read, or also acknowledge, close and waive. Given by an
/// invite (`obligctl web invite --role`) or, behind a trusted proxy, by the people map's `webRole`.
package enum WebRole: String, Codable, Sendable, CaseIterable {
    case reader, writer

    /// A writer's role: the forms that change state are shown and accepted.
    package var canWrite: Bool { self == .writer }
}
