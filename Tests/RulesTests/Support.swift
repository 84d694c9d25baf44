import DeadlineKit
import Foundation
import TestSupport

@testable import Rules

enum Fixtures {
    static var cn: WorkingCalendar { try! Embedded.configuration.calendar("cn") }

    static func d(_ s: String) -> CivilDate { try! CivilDate(parsing: s) }

    /// The embedded configuration's calendar without the calendar files of `years`: every year
    /// 2008-2026 ships its notice, so a test of how obligd estimates a past year removes the file.
    static func cn(withoutFilesOf years: Set<Int>) throws -> WorkingCalendar {
        var files: [String: (data: Data, origin: String)] = [:]
        for (path, text) in EmbeddedConfig.files where !years.contains(where: { path == "calendars/cn/\($0).json" }) {
            files[path] = (Data(text.utf8), "embedded")
        }
        return try Configuration.build(files).calendar("cn")
    }

    /// A made-up 2027 calendar, clearly labelled, used to show that an official file for a year replaces
    /// the estimate. It is NOT the real 2027 notice (unpublished when this was written).
    static let calendar2027 = """
        {
          "region": "cn",
          "year": 2027,
          "version": 1,
          "notice": { "title": "TEST FIXTURE, not a real notice", "published": "2026-11-01" },
          "holidays": [
            { "name": "New Year's Day", "from": "2027-01-01", "to": "2027-01-03", "makeUpDays": [] },
            { "name": "Spring Festival", "localName": "春节", "from": "2027-02-06", "to": "2027-02-13", "makeUpDays": ["2027-02-14"] }
          ]
        }
        """

    /// A minimal valid rule pack in region cn; tests break it one way at a time.
    static let pack = """
        {
          "pack": "test",
          "version": 1,
          "region": "cn",
          "description": "test pack",
          "defaults": { "reminders": { "before": ["-1d"], "dueDayAt": "09:00", "overdueEvery": "+1d" } },
          "metrics": { "widgets": "Widgets made" },
          "events": { "widget_notice": { "description": "A widget notice", "attributes": { "expires": "date" } } },
          "rules": [
            {
              "id": "test.widgets",
              "title": { "en": "Report widgets", "zh-CN": "报告小部件" },
              "kind": "deadline",
              "trigger": { "metric": "widgets", "conditions": [{ "op": ">=", "value": 10, "basis": "test basis" }] },
              "period": "+5wd",
              "citation": { "en": "Test citation", "zh-CN": "测试依据" }
            }
          ]
        }
        """
}
