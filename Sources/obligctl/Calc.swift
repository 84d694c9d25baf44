import ArgumentParser
import DeadlineKit
import Foundation
import Rules

struct Calc: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute a deadline: obligctl calc 2025-01-27 +5wd prints 2025-02-10.",
        discussion: """
            START is a date (YYYY-MM-DD) or, for +Nh/+Nmin/+Ns, an instant with an offset \
            (2025-03-03T14:05:00+08:00). PERIOD is +Nwd (working days), +Nd, +Nmo, +Ny or their negative \
            forms (before a date), or +Nh, +Nmin, +Ns. With --batch, lines "START PERIOD" are read from \
            stdin and one line is written per input line: the due date, or "error: ...".
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Argument(
        parsing: .allUnrecognized,
        help: ArgumentHelp(
            "START (a date or instant) and PERIOD (e.g. +30wd, +2mo, -6mo, +10min).",
            valueName: "start period"))
    var operands: [String] = []

    var start: String? { operands.count > 0 ? operands[0] : nil }
    var period: String? { operands.count > 1 ? operands[1] : nil }

    @Flag(help: "Explain the result: rule of counting, holidays skipped, make-up days, calendars used.")
    var explain = false
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Read START PERIOD lines from stdin.") var batch = false
    @Option(help: "Roll a rest-day end: forward, backward or none (default: forward for +, backward for -).")
    var roll: String?
    @Option(help: "IANA zone the legal days are counted in.") var zone: String = Zone.defaultIdentifier
    @Option(help: "Calendar region.") var region: String = "cn"

    func run() throws {
        let rollMode: Roll?
        if let roll {
            guard let r = Roll(rawValue: roll) else {
                Self.fail(UsageFailure("'\(roll)' is not a roll mode; expected forward, backward or none"))
            }
            rollMode = r
        } else {
            rollMode = nil
        }
        let zone: Zone
        do { zone = try Zone(self.zone) } catch { Self.fail(UsageFailure(error.description)) }
        let config: Configuration
        do { config = try configOptions.load() } catch let e as UsageFailure { Self.fail(e) }
        let calendar: WorkingCalendar
        do { calendar = try config.calendar(region) } catch { Self.fail(UsageFailure(error.description)) }
        let calculator = DueCalculator(calendar: calendar)

        if batch {
            guard operands.isEmpty else { Self.fail(UsageFailure("--batch reads from stdin; give no START or PERIOD")) }
            let ok = BatchCalc(calendar: calendar, roll: rollMode).run(input: FileHandle.standardInput, output: FileHandle.standardOutput)
            if !ok { throw ExitCode(1) }
            return
        }
        if operands.count > 2 {
            Self.fail(UsageFailure("'\(operands[2])' is not understood; give only START and PERIOD, e.g. obligctl calc 2025-01-27 +5wd"))
        }
        if let bad = operands.first(where: { $0.hasPrefix("--") }) {
            Self.fail(UsageFailure("'\(bad)' is not an option of calc; see obligctl calc --help"))
        }
        guard let start, let period else {
            Self.fail(UsageFailure("give START and PERIOD, e.g. obligctl calc 2025-01-27 +5wd (or --batch)"))
        }
        let result: DueResult
        do {
            let s = try Start(parsing: start)
            let p = try Period(parsing: period)
            result = try calculator.due(from: s, p, roll: rollMode, zone: zone)
        } catch let e as InputError {
            Self.fail(UsageFailure(e.description))
        } catch {
            Self.fail(UsageFailure("\(error)"))
        }
        if json {
            writeOut(CalcJSON.render(result, calendar: calendar, explain: explain) + "\n")
        } else {
            // An instant deadline is shown as the instant in the zone's wall-clock time; a day deadline as the day.
            let shown = result.deadline == nil ? zone.local(result.dueInstant) : result.due.description
            writeOut(shown + (result.provisional ? " provisional" : "") + "\n")
            if result.provisional { Provisional.note(years: CalcJSON.estimatedYears(result, calendar: calendar)) }
            if explain {
                writeOut(CalcText.explanation(result, calendar: calendar).map { "  " + $0 }.joined(separator: "\n") + "\n")
            }
        }
    }
}

/// The note on stderr that goes with every provisional result.
enum Provisional {
    static func note(years: [Int], count: Int = 1) {
        let which = years.isEmpty ? "" : " (\(years.map(String.init).joined(separator: ", ")))"
        let results = count == 1 ? "the result marked provisional rests" : "\(count) results marked provisional rest"
        FileHandle.standardError.write(
            Data(
                "obligctl: \(results) on an estimated holiday calendar\(which): it may move when the official notice is published\n"
                    .utf8))
    }
}

enum CalcText {
    static func explanation(_ r: DueResult, calendar: WorkingCalendar) -> [String] {
        var lines: [String] = []
        if let d = r.deadline {
            lines += calendar.explain(d).lines
        } else {
            lines.append(
                "Counting \(r.period.humanDescription) \(r.start): an instant period runs from the triggering instant and does not roll (Civil Code art. 201)."
            )
        }
        lines.append(
            r.deadline == nil
                ? "Ends at \(r.dueInstant) (UTC); local day \(r.due) in \(r.zone)"
                : "Ends at \(r.dueInstant) (UTC), 24:00 local in \(r.zone)")
        return lines
    }
}

enum CalcJSON {
    static func render(_ r: DueResult, calendar: WorkingCalendar, explain: Bool) -> String {
        var o: [String: Any] = [
            "start": r.start.description,
            "period": r.period.description,
            "due": r.due.description,
            "dueInstant": r.dueInstant.description,
            "dueLocal": (try? Zone(r.zone)).map { $0.local(r.dueInstant) } ?? r.dueInstant.description,
            "zone": r.zone,
            "region": calendar.region,
            "provisional": r.provisional
        ]
        if let d = r.deadline {
            let e = calendar.explain(d)
            o["roll"] = d.roll.rawValue
            o["landing"] = d.landing.description
            o["calendars"] = e.calendars.map(calendarJSON)
            o["skippedHolidays"] = e.skippedHolidays.map {
                ["name": $0.run.name, "localName": $0.run.localName ?? "", "from": $0.first.description, "to": $0.last.description]
            }
            o["makeUpDaysCounted"] = e.makeUpDaysCounted.map(\.description)
            o["weekendDaysSkipped"] = e.weekendDaysSkipped.count
            if explain { o["explanation"] = CalcText.explanation(r, calendar: calendar) }
        } else {
            o["calendars"] = [Any]()
            if explain { o["explanation"] = CalcText.explanation(r, calendar: calendar) }
        }
        let data = try! JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// The estimated years a result rests on.
    static func estimatedYears(_ r: DueResult, calendar: WorkingCalendar) -> [Int] {
        guard let d = r.deadline else { return [] }
        return calendar.explain(d).calendars.filter(\.source.isEstimated).map(\.year)
    }

    static func calendarJSON(_ y: YearCalendar) -> [String: Any] {
        switch y.source {
        case let .official(notice, published, file, version):
            return [
                "year": y.year, "source": "official", "notice": notice, "published": published?.description ?? "",
                "file": file, "version": version
            ]
        case let .estimated(method):
            return ["year": y.year, "source": "estimated", "method": method]
        }
    }
}
