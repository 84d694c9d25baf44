/// A legal period in obligd's grammar: a sign, an amount and a unit, e.g. `+30wd`, `-6mo`, `+10min`.
public struct Period: Hashable, Sendable, CustomStringConvertible {
    /// The units of art. 200 plus working days (工作日); raw values are the notation's suffixes, so parsing is a lookup.
    public enum Unit: String, Sendable, CaseIterable {
        case workingDays = "wd"
        case days = "d"
        case months = "mo"
        case years = "y"
        case hours = "h"
        case minutes = "min"
        case seconds = "s"

        /// Hours, minutes and seconds run from an instant and never roll (Civil Code art. 201).
        public var isInstant: Bool { self == .hours || self == .minutes || self == .seconds }

        var limit: Int {
            switch self {
            case .workingDays, .days: 20_000
            case .months: 1_200
            case .years: 100
            case .hours: 100_000
            case .minutes: 1_000_000
            case .seconds: 100_000_000
            }
        }

        var noun: String {
            switch self {
            case .workingDays: "working day"
            case .days: "calendar day"
            case .months: "month"
            case .years: "year"
            case .hours: "hour"
            case .minutes: "minute"
            case .seconds: "second"
            }
        }
    }

    /// Signed: negative periods count backward from the start ("6 months before expiry").
    public var amount: Int
    /// What `amount` counts; decides whether the period runs from a day or an instant and whether its end rolls.
    public var unit: Unit

    /// Unchecked, unlike `init(parsing:)`: zero and amounts beyond the parse limits are allowed, for periods built in
    /// code (rule packs, tests).
    public init(amount: Int, unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// A negative period counts back from a future date ("6 months before expiry"); its default roll is backward.
    public var isBackward: Bool { amount < 0 }

    /// The compact notation (`+30wd`, `-6mo`) that `init(parsing:)` reads back to the same period.
    public var description: String { (amount < 0 ? "-" : "+") + String(abs(amount)) + unit.rawValue }

    /// Seconds for the instant units.
    public var seconds: Int64? {
        switch unit {
        case .hours: Int64(amount) * 3600
        case .minutes: Int64(amount) * 60
        case .seconds: Int64(amount)
        default: nil
        }
    }

    /// English for explanations, to be followed by the start date: "30 working days after", "6 months before".
    public var humanDescription: String {
        let n = abs(amount)
        return "\(n) \(unit.noun)\(n == 1 ? "" : "s") \(amount < 0 ? "before" : "after")"
    }

    /// The period grammar with examples, quoted in every period parse error so the user sees what would work.
    public static let accepted =
        "a sign, a whole number and a unit: +30wd (working days), +15d, +2mo, +1y, -6mo, +1h, +10min, +30s"

    /// Parses the notation strictly: a mandatory sign, digits and a unit suffix, nothing else. Zero and amounts over
    /// the unit's limit are rejected, so a typo cannot overflow or reach centuries past any calendar.
    public init(parsing text: Substring) throws(InputError) {
        let b = Array(text.utf8)
        guard let first = b.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") else {
            throw InputError(
                token: String(text), problem: "is not a period (it must start with + or -)",
                accepted: Period.accepted)
        }
        var i = 1
        var n = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            // Saturate instead of overflowing; the limit check below rejects it.
            n = min(n * 10 + Int(b[i] - 48), 1_000_000_000_000)
            i += 1
        }
        guard i > 1 else {
            throw InputError(
                token: String(text), problem: "has no number after the sign",
                accepted: Period.accepted)
        }
        let suffix = String(decoding: b[i...], as: UTF8.self)
        guard let unit = Unit(rawValue: suffix) else {
            throw InputError(
                token: String(text), problem: "has an unknown unit '\(suffix)'",
                accepted: Period.accepted)
        }
        guard n >= 1 else {
            throw InputError(
                token: String(text), problem: "has an amount of zero",
                accepted: "an amount of 1 or more; " + Period.accepted)
        }
        guard n <= unit.limit else {
            throw InputError(
                token: String(text), problem: "is longer than obligd supports",
                accepted: "at most \(unit.limit)\(unit.rawValue)")
        }
        self.init(amount: first == UInt8(ascii: "-") ? -n : n, unit: unit)
    }

    /// Same strict parse, for a `String`.
    public init(parsing text: String) throws(InputError) { try self.init(parsing: Substring(text)) }
}

/// What to do when a calendar-day, month or year period ends on a rest day.
public enum Roll: String, Sendable, CaseIterable {
    /// Civil Code art. 203: the first working day after the rest.
    case forward
    /// The last working day on or before it: the conservative reading of "N months before".
    case backward
    /// Keep the day even if it is a rest day.
    case none

    /// Forward for periods after a trigger, backward for periods before a date.
    public static func `default`(for period: Period) -> Roll { period.isBackward ? .backward : .forward }
}
