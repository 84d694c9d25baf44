import DeadlineKit
import Rules

/// Sizes and characters Store takes in free text, checked before anything is written: a 10 MB name
/// or a NUL in a title is refused with a clear error instead of being stored (twice, with its audit
/// row) and stalling the daemon.
enum Limits {
    /// Entity names, owners, label keys and values, event references.
    static let name = 256
    /// Titles of obligations and event attribute values.
    static let title = 1024
    /// Notes on closing, waiving and acknowledging (reasons an auditor reads).
    static let note = 4096

    /// Refuses `value` when longer than `max` characters or holding control characters (`multiline`
    /// allows newlines and tabs, for notes).
    static func check(_ value: String, field: String, max: Int, multiline: Bool = false) throws {
        if value.count > max {
            throw StoreError.invalid(
                field: field, problem: "is \(value.count) characters long; at most \(max) are taken", fix: "shorten it")
        }
        let allowed: Set<Unicode.Scalar> = multiline ? ["\n", "\t"] : []
        if let bad = value.unicodeScalars.first(where: { $0.properties.generalCategory == .control && !allowed.contains($0) }) {
            throw StoreError.invalid(
                field: field, problem: "contains the control character U+\(String(bad.value, radix: 16, uppercase: true))",
                fix: "remove control characters" + (multiline ? " (newlines and tabs are fine)" : ""))
        }
    }

    /// Years a date or instant may name: a day outside them is a typo (0001, 20255), not a fact.
    static let years = 1900...9999

    /// Refuses a day outside `years`.
    static func check(_ day: CivilDate, field: String) throws {
        guard years.contains(day.year) else {
            throw StoreError.invalid(
                field: field, problem: "\(day) is not in the years \(years.lowerBound)-\(years.upperBound) obligd takes",
                fix: "check the year")
        }
    }

    /// Refuses a start (a day, or an instant in UTC) outside `years`.
    static func check(_ start: Start?, field: String) throws {
        switch start {
        case let .day(d)?: try check(d, field: field)
        case let .instant(i)?: try check(i.civilDate(), field: field)
        case nil: break
        }
    }
}
