import DeadlineKit

/// An ordered scale an event attribute is stated on (an incident's severity, general <
/// relatively-significant < significant < particularly-significant), declared in the pack under
/// `scales`. A value is accepted in any of a level's spellings (English or the instrument's Chinese,
/// 一般 < 较大 < 重大 < 特别重大) and printed by its first, so a rule can ask for "at least 较大".
package struct Scale: Sendable, Hashable {
    /// One level of the scale; levels compare by rank.
    package struct Level: Sendable, Hashable, Comparable, CustomStringConvertible {
        /// Position on the scale, from 0 (the lowest).
        package var rank: Int
        /// The spellings accepted, the first being the one printed.
        package var names: [String]

        /// The level's first spelling, as messages print it.
        package var description: String { names[0] }

        /// Lower rank is lower on the scale.
        package static func < (a: Level, b: Level) -> Bool { a.rank < b.rank }
    }

    /// The scale's name, as `scale:<name>` attribute types refer to it.
    package var name: String
    /// The levels from lowest to highest.
    package var levels: [Level]

    /// The level `text` names, in any of its spellings.
    package func level(parsing text: String) throws(InputError) -> Level {
        if let l = levels.first(where: { $0.names.contains(text) }) { return l }
        throw InputError(
            token: text, problem: "is not a level of the scale \(name)",
            accepted: "one of " + levels.map { $0.names.joined(separator: " / ") }.joined(separator: " < "))
    }
}

/// The type of an event attribute, as the pack declares it under `events.<kind>.attributes`.
package enum AttributeType: Sendable, Hashable, CustomStringConvertible {
    /// A day, e.g. a certificate's `expires`.
    case date
    /// A period the event states, e.g. a rectification notice's `+15d`.
    case period
    /// Free text, e.g. the issuer of a notice.
    case string
    /// A level of an ordered scale of the pack, e.g. an incident's `severity`.
    case scale(Scale)

    /// `date`, `period`, `string` or `scale:<name>` of a scale in `scales`; nil for anything else.
    package init?(parsing text: String, scales: [String: Scale]) {
        switch text {
        case "date": self = .date
        case "period": self = .period
        case "string": self = .string
        default:
            guard text.hasPrefix("scale:"), let s = scales[String(text.dropFirst("scale:".count))] else { return nil }
            self = .scale(s)
        }
    }

    /// The type as the pack writes it (`date`, `scale:severity`).
    package var description: String {
        switch self {
        case .date: "date"
        case .period: "period"
        case .string: "string"
        case let .scale(s): "scale:\(s.name)"
        }
    }

    /// Why `value` is not of this type, or nil when it is.
    package func check(_ value: String) -> InputError? {
        do throws(InputError) {
            switch self {
            case .date: _ = try CivilDate(parsing: value)
            case .period: _ = try Period(parsing: value)
            case .string: break
            case let .scale(s): _ = try s.level(parsing: value)
            }
            return nil
        } catch {
            return error
        }
    }
}
