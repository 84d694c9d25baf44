import Foundation

extension PostgresURL {
    /// `key=value&...`, percent-decoded; a key without `=` has the empty value.
    /// Why a dictionary: libpq lets a later parameter override an earlier one, and so does this.
    static func parameters(_ query: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let (key, value) = pair.split(at: "=")
            result[decoded(key) ?? String(key)] = value.flatMap { decoded($0) } ?? ""
        }
        return result
    }

    /// The host (percent-decoded, so `%2Frun%2Fpostgresql` is a socket directory) and the port text
    /// of `host:port`, `[v6]:port` or `host`. Why: the authority is where libpq puts both.
    static func hostAndPort(
        _ text: Substring, _ invalid: (String, String) -> StoreError
    ) throws -> (host: String, port: String?) {
        if text.contains(",") {
            throw invalid("several hosts are not supported", "name one host; put PostgreSQL's failover (Patroni, a proxy) behind it")
        }
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw invalid("'\(text)' has no closing ']'", "write [IPv6]:PORT") }
            let after = text[text.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw invalid("'\(text)' is not [IPv6]:PORT", "write [IPv6]:PORT") }
            return (String(text[text.index(after: text.startIndex)..<close]), after.isEmpty ? nil : String(after.dropFirst()))
        }
        let (host, port) = text.split(at: ":")
        guard let name = decoded(host) else { throw invalid("host '\(host)' is not valid percent-encoding", "write %2F for each /") }
        return (name, port.map(String.init))
    }

    /// `text` with `%XX` sequences replaced by their bytes, or nil when they are not valid UTF-8.
    static func decoded(_ text: Substring) -> String? {
        String(text).removingPercentEncoding
    }
}

extension Substring {
    /// The text before the first `separator` and the text after it (nil when there is none).
    /// Why: each part of a URL is split once, at its first separator, whatever follows.
    func split(at separator: Character) -> (before: Substring, after: Substring?) {
        guard let i = firstIndex(of: separator) else { return (self, nil) }
        return (self[..<i], self[index(after: i)...])
    }
}
