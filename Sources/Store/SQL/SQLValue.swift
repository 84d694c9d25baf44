import DeadlineKit

/// A value bound to a statement or read from a row, in the few storage classes both backends share
/// (SQLite's, which PostgreSQL's integer, double precision, text and bytea columns map onto). Why:
/// the Recorder's logic is written once over `SQLSession`, whichever database runs it.
package enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// True for NULL.
    package var isNull: Bool { self == .null }
}

/// A Swift value stored in one column: how it is written (`sqlValue`) and read back (`init?(sqlValue:)`,
/// nil when the stored value is not one, which the row turns into an error naming the column).
package protocol SQLColumn: Sendable {
    /// The stored form.
    var sqlValue: SQLValue { get }
    /// Reads the stored form; nil when it is not a value of this type.
    init?(sqlValue: SQLValue)
}

extension Int64: SQLColumn {
    /// An integer as both backends store it (PostgreSQL BIGINT).
    package var sqlValue: SQLValue { .integer(self) }
    /// Also takes a whole-numbered real within Int64's range, as an aggregate may return one.
    package init?(sqlValue: SQLValue) {
        switch sqlValue {
        case let .integer(v): self = v
        case let .real(v) where v == v.rounded() && abs(v) < 9.2e18: self = Int64(v)
        default: return nil
        }
    }
}

extension Int: SQLColumn {
    /// Stored as a 64-bit integer.
    package var sqlValue: SQLValue { .integer(Int64(self)) }
    /// Reads what `Int64` reads.
    package init?(sqlValue: SQLValue) {
        guard let v = Int64(sqlValue: sqlValue) else { return nil }
        self = Int(v)
    }
}

extension Bool: SQLColumn {
    /// 0 or 1, as SQLite stores booleans; the PostgreSQL schema uses integer columns for them too.
    package var sqlValue: SQLValue { .integer(self ? 1 : 0) }
    /// Any integer: 0 is false, anything else true.
    package init?(sqlValue: SQLValue) {
        guard let v = Int64(sqlValue: sqlValue) else { return nil }
        self = v != 0
    }
}

extension Double: SQLColumn {
    /// A double precision real.
    package var sqlValue: SQLValue { .real(self) }
    /// A real, or an integer widened, since SQL arithmetic may give either.
    package init?(sqlValue: SQLValue) {
        switch sqlValue {
        case let .real(v): self = v
        case let .integer(v): self = Double(v)
        default: return nil
        }
    }
}

extension String: SQLColumn {
    /// Text, unchanged.
    package var sqlValue: SQLValue { .text(self) }
    /// Text only: an integer is not silently turned into its digits.
    package init?(sqlValue: SQLValue) {
        guard case let .text(v) = sqlValue else { return nil }
        self = v
    }
}

extension [UInt8]: SQLColumn {
    /// A blob (PostgreSQL bytea): evidence files, idempotent responses.
    package var sqlValue: SQLValue { .blob(self) }
    /// A blob only.
    package init?(sqlValue: SQLValue) {
        guard case let .blob(v) = sqlValue else { return nil }
        self = v
    }
}

extension Optional: SQLColumn where Wrapped: SQLColumn {
    /// nil is NULL.
    package var sqlValue: SQLValue { self?.sqlValue ?? .null }
    /// NULL is nil; anything else must be a `Wrapped`.
    package init?(sqlValue: SQLValue) {
        if sqlValue.isNull {
            self = .none
            return
        }
        guard let v = Wrapped(sqlValue: sqlValue) else { return nil }
        self = .some(v)
    }
}

/// A value stored as the text of its `rawValue` (statuses, roll directions).
package protocol SQLTextEnum: SQLColumn, RawRepresentable where RawValue == String {}

extension SQLTextEnum {
    /// The raw value as text: the form the column always held.
    package var sqlValue: SQLValue { .text(rawValue) }
    /// Nil for anything but text naming one of the cases.
    package init?(sqlValue: SQLValue) {
        guard case let .text(v) = sqlValue else { return nil }
        self.init(rawValue: v)
    }
}
