import APIModel
import DeadlineKit
import GRDB
import Rules

// The typed columns for GRDB (tests that read and write records through the pool): each is stored and
// parsed as its `SQLColumn` conformance does (Columns+SQL.swift), so there is one parser per type.

extension CivilDate: DatabaseValueConvertible {
    /// The stored form (`sqlValue`) as a GRDB value.
    public var databaseValue: DatabaseValue { DatabaseValue(sqlValue) }
    /// Read as `init?(sqlValue:)` reads the stored form.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CivilDate? { CivilDate(sqlValue: SQLValue(dbValue)) }
}

extension Period: DatabaseValueConvertible {
    /// The stored form (`sqlValue`) as a GRDB value.
    public var databaseValue: DatabaseValue { DatabaseValue(sqlValue) }
    /// Read as `init?(sqlValue:)` reads the stored form.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Period? { Period(sqlValue: SQLValue(dbValue)) }
}

extension Roll: DatabaseValueConvertible {}
extension ObligationStatus: DatabaseValueConvertible {}

extension Start: DatabaseValueConvertible {
    /// The stored form (`sqlValue`) as a GRDB value.
    package var databaseValue: DatabaseValue { DatabaseValue(sqlValue) }
    /// Read as `init?(sqlValue:)` reads the stored form.
    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Start? { Start(sqlValue: SQLValue(dbValue)) }
}

extension TriggerKey: DatabaseValueConvertible {
    /// The stored form (`sqlValue`) as a GRDB value.
    package var databaseValue: DatabaseValue { DatabaseValue(sqlValue) }
    /// Read as `init?(sqlValue:)` reads the stored form.
    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> TriggerKey? { TriggerKey(sqlValue: SQLValue(dbValue)) }
}

extension CalendarList: DatabaseValueConvertible {
    /// The stored form (`sqlValue`) as a GRDB value.
    package var databaseValue: DatabaseValue { DatabaseValue(sqlValue) }
    /// Read as `init?(sqlValue:)` reads the stored form.
    package static func fromDatabaseValue(_ dbValue: DatabaseValue) -> CalendarList? { CalendarList(sqlValue: SQLValue(dbValue)) }
}
