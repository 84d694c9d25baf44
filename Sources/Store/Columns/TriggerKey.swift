import Foundation

/// What opened an obligation, unique per (entity, rule): the n-th crossing of a metric's threshold,
/// an event, the obligation a recurring one follows, or a custom obligation's own id. Stored as text
/// (`metric:<name>#<n>`, `event:<id>`, `recurrence:<id>`, `custom:<uuid>`), built and parsed only here.
package enum TriggerKey: Hashable, Sendable, CustomStringConvertible {
    case metric(String, crossing: Int)
    case event(Int64)
    case recurrence(of: Int64)
    case custom(String)
    /// A key in a form this version does not know, kept as it is.
    case other(String)

    /// A new custom obligation's key.
    package static func newCustom() -> TriggerKey { .custom(UUID().uuidString.lowercased()) }

    /// Reads a stored key; a form this version does not know is kept as `.other`, never refused.
    package init(_ text: String) {
        if let rest = Self.after("event:", text), let id = Int64(rest) {
            self = .event(id)
        } else if let rest = Self.after("recurrence:", text), let id = Int64(rest) {
            self = .recurrence(of: id)
        } else if let rest = Self.after("metric:", text), let hash = rest.lastIndex(of: "#"), let n = Int(rest[rest.index(after: hash)...])
        {
            self = .metric(String(rest[..<hash]), crossing: n)
        } else if let rest = Self.after("custom:", text) {
            self = .custom(String(rest))
        } else {
            self = .other(text)
        }
    }

    /// The stored form (`metric:<name>#<n>`, `event:<id>`, ...), which `init(_:)` reads back.
    package var description: String {
        switch self {
        case let .metric(name, n): "metric:\(name)#\(n)"
        case let .event(id): "event:\(id)"
        case let .recurrence(id): "recurrence:\(id)"
        case let .custom(id): "custom:\(id)"
        case let .other(text): text
        }
    }

    private static func after(_ prefix: String, _ text: String) -> Substring? {
        text.hasPrefix(prefix) ? text.dropFirst(prefix.count) : nil
    }
}
