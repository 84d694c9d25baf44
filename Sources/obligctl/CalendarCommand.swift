import ArgumentParser
import DeadlineKit
import Foundation
import Rules

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Show the working-day calendar of a year, test a day, or import a holiday notice.",
        subcommands: [Show.self, IsWorking.self, ImportNoticeCommand.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Days off and make-up working days of a year, with the notice.")
        @OptionGroup var configOptions: ConfigOptions
        @Option(help: "Calendar region.") var region: String = "cn"
        @Argument(help: "Year, e.g. 2026.") var year: String
        @Flag(help: "Print one JSON object: source, days off and make-up working days.") var json = false

        func run() throws {
            let config: Configuration
            do { config = try configOptions.load() } catch let e as UsageFailure { Self.fail(e) }
            let calendar: WorkingCalendar
            do { calendar = try config.calendar(region) } catch { Self.fail(UsageFailure(error.description)) }
            guard let y = Int(year), year.count == 4, let yc = calendar.year(y) else {
                Self.fail(
                    UsageFailure(
                        "'\(year)' is not a year of the \(region) calendar; expected a year in \(calendar.years.lowerBound)-\(calendar.years.upperBound)"
                    ))
            }
            var out = ["Calendar \(yc.sourceDescription)"]
            if yc.source.isEstimated { out.append("PROVISIONAL: no official notice loaded for \(y); add calendars/\(region)/\(y).json") }
            // The next year's notice may name days at the end of this one (2019's New Year run began on
            // 2018-12-30): list them here too, saying which notice they come from.
            let next = calendar.year(y + 1)
            let reaching = (next?.holidays ?? []).filter { $0.first.year == y }
            let from = " (in the \(y + 1) notice)"
            out.append("Days off:")
            for (run, note) in yc.holidays.map({ ($0, "") }) + reaching.map({ ($0, from) }) {
                let name = run.localName.map { "\(run.name) (\($0))" } ?? run.name
                let span = run.first == run.last ? "\(run.first)" : "\(run.first)..\(run.last)"
                out.append("  \(span)  \(name), \(run.dayCount) day(s)\(note)")
            }
            out.append("Make-up working days:")
            let own = yc.holidays.flatMap { run in run.makeUpDays.map { ($0, run.name, "") } }
            let later = (next?.holidays ?? []).flatMap { run in run.makeUpDays.filter { $0.year == y }.map { ($0, run.name, from) } }
            let makeUps = (own + later).sorted { $0.0 < $1.0 }
            if makeUps.isEmpty { out.append("  none") }
            for (d, name, note) in makeUps { out.append("  \(d)  \(d.weekdayName), for \(name)\(note)") }
            if json {
                let days = yc.holidays.map { ($0, y) } + reaching.map { ($0, y + 1) }
                return try printJSON(
                    CalendarJSON(
                        region: region, year: y, source: yc.sourceDescription, provisional: yc.source.isEstimated,
                        daysOff: days.map { run, notice in
                            CalendarJSON.Run(
                                name: run.name, localName: run.localName, from: run.first.description, to: run.last.description,
                                days: run.dayCount, notice: notice)
                        },
                        makeUpDays: makeUps.map { d, name, note in
                            CalendarJSON.MakeUp(day: d.description, for: name, notice: note.isEmpty ? y : y + 1)
                        }))
            }
            writeOut(out.joined(separator: "\n") + "\n")
        }
    }

    struct IsWorking: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "is-working",
            abstract: "Print yes or no and why; exit status 0 for a working day, 1 for a rest day.")
        @OptionGroup var configOptions: ConfigOptions
        @Option(help: "Calendar region.") var region: String = "cn"
        @Argument(help: "Date, YYYY-MM-DD.") var date: String
        @Flag(help: "Print one JSON object: date, working, why, provisional.") var json = false

        func run() throws {
            let config: Configuration
            do { config = try configOptions.load() } catch let e as UsageFailure { Self.fail(e) }
            let calendar: WorkingCalendar
            let day: CivilDate
            let working: Bool
            do {
                calendar = try config.calendar(region)
                day = try CivilDate(parsing: date)
                working = try calendar.isWorkingDay(day)
            } catch let e as InputError {
                Self.fail(UsageFailure(e.description))
            } catch {
                Self.fail(UsageFailure("\(error)"))
            }
            var why: String
            if let run = calendar.holiday(on: day) {
                why = "day off: \(run.name)"
            } else if let run = calendar.makeUpHoliday(on: day), working {
                why = "make-up working day (\(day.weekdayName)) for \(run.name)"
            } else {
                why = day.isWeekend ? "weekend (\(day.weekdayName))" : "ordinary working day (\(day.weekdayName))"
            }
            let provisional = calendar.touchesEstimate(day, day)
            if json {
                try printJSON(IsWorkingJSON(date: day.description, working: working, why: why, provisional: provisional))
                if !working { throw ExitCode(1) }
                return
            }
            if provisional { why += "; PROVISIONAL: \(day.year) has no official calendar loaded" }
            writeOut("\(working ? "yes" : "no") \(day) \(why)\n")
            if !working { throw ExitCode(1) }
        }
    }
}

/// `calendar show --json`: a year's source, days off (with the notice year that names them) and make-up days.
struct CalendarJSON: Encodable {
    struct Run: Encodable {
        var name: String
        var localName: String?
        var from, to: String
        var days: Int
        var notice: Int
    }
    struct MakeUp: Encodable {
        var day: String
        var `for`: String
        var notice: Int
    }
    var region: String
    var year: Int
    var source: String
    var provisional: Bool
    var daysOff: [Run]
    var makeUpDays: [MakeUp]
}

/// `calendar is-working --json`.
struct IsWorkingJSON: Encodable {
    var date: String
    var working: Bool
    var why: String
    var provisional: Bool
}
