import DeadlineKit
import GRDB
import Rules

// Value types stored as typed columns: each is written as the text it has always been stored as and
// parsed once, when the row is read. A value that does not parse fails that row's decoding with an
// error instead of reaching the domain half-read.

extension CivilDate: DatabaseValueConvertible {
    /// `YYYY-MM-DD`: sorts as text in day order, so `due < ?` compares days.
    public var databaseValue: DatabaseValue { description.databaseValue }
    /// Parses the stored day; nil (an error on the row) when it is not one.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CivilDate? {
        String.fromDatabaseValue(dbValue).flatMap { try? CivilDate(parsing: $0) }
    }
}

extension Period: DatabaseValueConvertible {
    /// `+30wd`, `+2mo`, `-6mo`: the form rules and obligctl use, so a row reads as its rule does.
    public var databaseValue: DatabaseValue { description.databaseValue }
    /// Parses the stored period; nil (an error on the row) when it is not one.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Period? {
        String.fromDatabaseValue(dbValue).flatMap { try? Period(parsing: $0) }
    }
}

extension Roll: DatabaseValueConvertible {}

extension Start: DatabaseValueConvertible {
    package var databaseValue: DatabaseValue { description.databaseValue }
    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Start? {
        String.fromDatabaseValue(dbValue).flatMap { try? Start(parsing: $0) }
    }
}

extension TriggerKey: DatabaseValueConvertible {
    package var databaseValue: DatabaseValue { description.databaseValue }
    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> TriggerKey? {
        String.fromDatabaseValue(dbValue).map(TriggerKey.init)
    }
}

extension CalendarList: DatabaseValueConvertible {
    package var databaseValue: DatabaseValue { json.databaseValue }
    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CalendarList? {
        String.fromDatabaseValue(dbValue).map(CalendarList.init(json:))
    }
}

extension Row {
    /// Column `i` (or, when `name` is given and the row is not a full one, the named column) as a typed
    /// value; a stored value that does not parse is an error naming the column, never a crash.
    func decode<T: DatabaseValueConvertible>(_ i: Int, _ column: String) throws -> T {
        let v = self[i] as DatabaseValue
        guard let typed = T.fromDatabaseValue(v) else {
            throw StoreError.invalid(
                field: column, problem: "'\(v)' in the database is not a \(T.self)",
                fix: "restore the database from a backup or correct the row")
        }
        return typed
    }

    /// `decode`, with NULL as nil.
    func decodeIfPresent<T: DatabaseValueConvertible>(_ i: Int, _ column: String) throws -> T? {
        (self[i] as DatabaseValue).isNull ? nil : try decode(i, column) as T
    }
}
