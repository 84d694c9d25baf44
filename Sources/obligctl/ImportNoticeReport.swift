import APIModel
import DeadlineKit
import Foundation
import Rules

/// What `calendar import-notice` did and found, as text for a person or as one JSON object.
struct ImportNoticeReport {
    enum Outcome: String, Encodable {
        case written, unchanged, refused
        case dryRun = "dry-run"
    }

    var notice: HolidayNotice
    var target: String
    var version: Int
    /// The year's calendar before the file: the estimate, or the file it replaces.
    var inForce: YearCalendar
    var changes: CalendarChanges
    var outcome: Outcome
    /// A different file is in the way: writing it takes --force.
    var needsForce = false
    var preview: CalendarPreview?
    /// Why there is no preview (obligd not running, too old, refused).
    var previewProblem: String?

    var text: String {
        var out = ["Notice: \(notice.title)\(notice.reference.map { " \($0)" } ?? ""), dated \(notice.published)"]
        for run in notice.holidays {
            let span = run.first == run.last ? "\(run.first)" : "\(run.first)..\(run.last)"
            var line = "  \(span)  \(CalendarChanges.label(run)), \(run.dayCount) day(s)"
            if !run.makeUpDays.isEmpty { line += "; worked: " + run.makeUpDays.map { "\($0) \($0.weekdayName)" }.joined(separator: ", ") }
            out.append(line)
        }
        for note in notice.notes { out.append("  Not imported (advice, decides no day): \(note)") }
        switch outcome {
        case .written: out.append("Wrote \(target) (version \(version)).")
        case .unchanged: out.append("Unchanged: \(target) already holds this notice (version \(version)).")
        case .dryRun:
            out.append(
                "Dry run: would write \(target) (version \(version))\(needsForce ? ", which exists and differs: that takes --force" : "").")
        case .refused: out.append("Not written: \(target) exists and differs.")
        }
        out.append("Days that change from \(against):")
        if changes.isEmpty { out.append("  none: every day keeps its status") }
        for (title, days) in [
            ("Days off that were working days", changes.newDaysOff), ("Working days that were days off", changes.newWorkingDays),
            ("Make-up working days (weekend days worked)", changes.makeUpDays)
        ] where !days.isEmpty {
            out.append("  \(title):")
            for d in days { out.append("    \(d.day) \(d.day.weekdayName.padding(toLength: 9, withPad: " ", startingAt: 0)) \(d.why)") }
        }
        out += deadlines
        if let next { out.append(next) }
        return out.joined(separator: "\n") + "\n"
    }

    /// The calendar the changes are measured against, in words.
    var against: String {
        switch inForce.source {
        case .estimated: "the estimate in force for \(notice.year)"
        case let .official(_, _, file, version): "\(file) v\(version), in force for \(notice.year)"
        }
    }

    private var deadlines: [String] {
        guard let p = preview else { return ["Open deadlines: \(previewProblem ?? "not asked")."] }
        var out = ["Open deadlines, as obligd has them:"]
        if p.examined == 0 {
            out.append(
                p.current == p.candidate
                    ? "  obligd runs on this calendar already" : "  none rests on the \(notice.year) calendar: nothing moves")
        } else {
            out.append("  \(p.examined) rest on the \(notice.year) calendar; \(p.moved) would move\(p.moved == 0 ? "" : ":")")
            for m in p.moves {
                out.append(
                    "    #\(m.id) \(m.entity) \(m.rule ?? m.title): \(m.from) -> \(m.to)\(m.provisional ? " (still provisional)" : "")")
            }
            if p.moved > p.moves.count { out.append("    and \(p.moved - p.moves.count) more") }
            if p.confirmed > 0 { out.append("  \(p.confirmed) keep their due day and are no longer provisional") }
        }
        guard outcome != .refused else { return out }
        if let dir = p.configDirectory {
            if !Self.resolved(target).hasPrefix(Self.resolved(dir) + "/") {
                out.append("  Note: obligd reads its configuration from \(dir); it will not load \(target).")
            }
        } else {
            out.append("  Note: obligd runs on its embedded configuration alone; start it with --config DIR to load \(target).")
        }
        return out
    }

    private static func resolved(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path }

    /// What the operator does next.
    var next: String? {
        switch outcome {
        case .written: "Next: obligctl reload (or systemctl reload obligd) applies it; until then obligd keeps the calendar in force."
        case .unchanged:
            (preview.map { $0.current != $0.candidate } ?? false)
                ? "obligd has not loaded it yet: run obligctl reload (or systemctl reload obligd)." : nil
        case .dryRun: "Nothing was written (--dry-run)."
        case .refused: nil
        }
    }

    var json: ImportNoticeJSON {
        func days(_ list: [CalendarChanges.Day]) -> [ImportNoticeJSON.Day] {
            list.map { .init(day: $0.day.description, weekday: $0.day.weekdayName, why: $0.why) }
        }
        return ImportNoticeJSON(
            outcome: outcome, file: target, version: version, calendar: notice.document(version: version), notes: notice.notes,
            against: inForce.sourceDescription, newDaysOff: days(changes.newDaysOff), newWorkingDays: days(changes.newWorkingDays),
            makeUpDays: days(changes.makeUpDays), preview: preview, previewProblem: previewProblem, next: next)
    }
}

/// `calendar import-notice --json`.
struct ImportNoticeJSON: Encodable {
    struct Day: Encodable {
        var day, weekday, why: String
    }
    var outcome: ImportNoticeReport.Outcome
    var file: String
    var version: Int
    var calendar: CalendarDocument
    var notes: [String]
    var against: String
    var newDaysOff, newWorkingDays, makeUpDays: [Day]
    var preview: CalendarPreview?
    var previewProblem: String?
    var next: String?
}
