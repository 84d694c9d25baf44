import DeadlineKit
import Foundation
@testable import Rules

enum Fixtures {
    /// The embedded defaults, loaded once (building 2000-2099 with the estimator takes a moment).
    static let embedded: Configuration = try! Configuration.load(directory: nil)
    static var cn: WorkingCalendar { try! embedded.calendar("cn") }

    /// The package root, from this file's path: <root>/Tests/RulesTests/Support.swift.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func d(_ s: String) -> CivilDate { try! CivilDate(parsing: s) }

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
          "title": "Report widgets",
          "kind": "deadline",
          "trigger": { "metric": "widgets", "conditions": [{ "op": ">=", "value": 10 }] },
          "period": "+5wd",
          "citation": "Test citation"
        }
      ]
    }
    """
}

/// A configuration directory under the system temp directory, removed when the value goes away.
final class TempConfig {
    let path: String

    init(_ files: [String: String]) throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("obligd-rules-tests-\(UUID().uuidString)").path
        for (rel, text) in files {
            let url = URL(fileURLWithPath: path).appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func full(_ rel: String) -> String { URL(fileURLWithPath: path).appendingPathComponent(rel).path }

    func load() throws(ConfigError) -> Configuration { try Configuration.load(directory: path) }
}
