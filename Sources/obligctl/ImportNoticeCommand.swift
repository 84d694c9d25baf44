import APIModel
import ArgumentParser
import DeadlineKit
import Foundation
import Rules

/// `obligctl calendar import-notice FILE|-`: the State Council's holiday notice, as published, into the
/// calendar file obligd reads for its year. Why: the file decides legal deadlines, and copying a notice
/// by hand is where a mistyped day slips in; the parser checks every weekday and count the notice gives.
struct ImportNoticeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-notice",
        abstract: "Read a State Council holiday notice and write its calendar file.",
        discussion: """
            FILE (- for standard input) is the notice as published, 国务院办公厅关于YYYY年部分节假日安排的通知, copied \
            whole from gov.cn or Xinhua: its title, its numbered holiday lines and its date line. Every weekday, lunar \
            date and 共N天 the notice gives is checked against the dates; a line that cannot be read or does not add up \
            is refused, naming the line, and nothing is written.

            The file goes to calendars/cn/YEAR.json in the configuration directory (--config, $OBLIGD_CONFIG, else \
            /etc/obligd) after the calendar loader accepted it with the other years. An existing file that differs is \
            kept unless --force, which raises its version. The command prints the days that change against the \
            calendar in force for the year (the estimate until a notice is loaded), and asks a running obligd which \
            open deadlines would move. It does not reload obligd: run 'obligctl reload' when you have reviewed them.
            """)

    @OptionGroup var configOptions: ConfigOptions
    @OptionGroup var client: ClientOptions
    @Argument(help: ArgumentHelp("The notice's text (UTF-8), or - for standard input.", valueName: "file")) var file: String
    @Option(name: .shortAndLong, help: ArgumentHelp("Write the calendar file here instead.", valueName: "file")) var output: String?
    @Flag(help: "Check the notice and show the changes; write nothing.") var dryRun = false
    @Flag(help: "Replace an existing calendar file that differs.") var force = false
    @Flag(help: "Print one JSON object: the file, the days that change, the deadlines that move.") var json = false

    func run() async throws {
        try await runClient { try await importNotice() }
    }

    private func importNotice() async throws {
        let notice: HolidayNotice
        do { notice = try HolidayNotice.parse(try readText()) } catch let e as NoticeError {
            throw UsageFailure("\(file == "-" ? "standard input" : file): \(e.description)")
        }
        let config = try configOptions.load()
        let path = "calendars/cn/\(notice.year).json"
        let target = try output ?? URL(fileURLWithPath: try configOptions.writableDirectory()).appendingPathComponent(path).path
        let inForce = try config.calendar("cn").year(notice.year)!
        let existing = FileManager.default.contents(atPath: target)

        // The version counts corrections: the one in force when the notice is the same, else one more than
        // any file it replaces.
        var version = 1
        var sameAsInForce = false
        if case let .official(_, _, _, v) = inForce.source {
            let same = try? CalendarFile.parse(Data(notice.document(version: v).text.utf8), file: "").year
            sameAsInForce = same?.holidays == inForce.holidays && same?.source.cited == inForce.source.cited
            version = sameAsInForce ? v : v + 1
        }
        if let existing, let old = try? JSONDecoder().decode(CalendarDocument.self, from: existing), !sameAsInForce {
            version = max(version, old.version + 1)
        }
        let text = notice.document(version: version).text
        let candidate: Configuration
        do {
            candidate = try config.replacing(path, with: Data(text.utf8), origin: target)
        } catch {
            throw UsageFailure("the calendar file for this notice does not load with the other years: \(error.description)")
        }
        let changes = CalendarChanges(year: notice.year, from: try config.calendar("cn"), to: try candidate.calendar("cn"))
        let unchanged = existing == Data(text.utf8)
        let differs = existing != nil && !unchanged && !force
        let refused = differs && !dryRun
        var report = ImportNoticeReport(
            notice: notice, target: target, version: version, inForce: inForce, changes: changes,
            outcome: unchanged ? .unchanged : dryRun ? .dryRun : refused ? .refused : .written, needsForce: differs)
        (report.preview, report.previewProblem) = await preview(text)
        if report.outcome == .written { try write(text, to: target) }
        if json { try printJSON(report.json) } else { writeOut(report.text) }
        if refused {
            throw UsageFailure(
                "\(target) exists and differs from this notice; nothing was written. Review the changes above and rerun with --force to replace it (as version \(version))"
            )
        }
    }

    private func readText() throws -> String {
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = try InputFile.read(file)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw UsageFailure(
                "\(file == "-" ? "standard input" : file) is not UTF-8 text; convert it first, e.g. iconv -f GB18030 -t UTF-8 \(file) > notice.txt"
            )
        }
        return text
    }

    /// The running obligd's preview of the file, or why there is none.
    private func preview(_ text: String) async -> (CalendarPreview?, String?) {
        let daemon = client.client()
        do {
            return (try await daemon.postRaw("/v1/calendar/preview", Data(text.utf8), as: CalendarPreview.self), nil)
        } catch DaemonClient.Failure.notRunning(let path) {
            return (
                nil,
                "obligd is not running (nothing answers on \(path)), so the deadlines that move cannot be listed; obligd recomputes them when it starts"
            )
        } catch DaemonClient.Failure.api(let status, let body) where status == 404 || status == 405 {
            return (nil, "obligd on \(daemon.socketPath) cannot preview a calendar (an older version?): \(body.error)")
        } catch {
            return (nil, "obligd could not preview the deadlines that move: \(error)")
        }
    }

    /// Writes through a temporary file in the same directory, so obligd never reads half a file.
    private func write(_ text: String, to target: String) throws {
        let dir = (target as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir.isEmpty ? "." : dir, withIntermediateDirectories: true)
            let temporary = target + ".tmp-\(getpid())"
            guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o644])
            else {
                throw UsageFailure("cannot write \(temporary)")
            }
            guard rename(temporary, target) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(temporary)
                throw UsageFailure("cannot replace \(target): \(reason)")
            }
        } catch {
            let what = (error as? UsageFailure)?.message ?? "cannot write \(target): \(error.localizedDescription)"
            throw UsageFailure("\(what); check the directory and its permissions (or write elsewhere with --output FILE)")
        }
    }
}

extension CalendarSource {
    /// What a source cites (notice, number, amendments, date), without the file; nil for an estimate.
    fileprivate var cited: String? {
        if case let .official(notice, published, _, _) = self { "\(notice) \(published?.description ?? "")" } else { nil }
    }
}
