import ArgumentParser
import Foundation

@main
struct Obligctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obligctl",
        abstract: "Compute legal deadlines and talk to the obligd daemon.",
        discussion: """
            calc, rules and calendar work offline on the embedded rule pack and calendars (overlaid by \
            --config, $OBLIGD_CONFIG or /etc/obligd). The other commands talk to obligd over its Unix socket.
            """,
        subcommands: [
            Calc.self, RulesCommand.self, CalendarCommand.self, StatusCommand.self, EntityCommand.self, MetricCommand.self,
            EventCommand.self, FactCommand.self, ClassificationCommand.self, RetentionCommand.self, ObligationCommand.self,
            ListCommand.self, ShowCommand.self, DoneCommand.self, EvidenceCommand.self,
            WaiveCommand.self, ReopenCommand.self, AckCommand.self, HistoryCommand.self, ReloadCommand.self, ImportCommand.self,
            OutboxCommand.self, ReceiverCommand.self, NotifyCommand.self, AuditCommand.self, ReportCommand.self, BackupCommand.self,
            MigrateCommand.self,
            ICSCommand.self,
            FeedCommand.self, WebCommand.self, ClusterCommand.self
        ]
    )

    /// Runs the command; a usage error (unknown option, missing argument) exits 2 like every other
    /// bad input, as the man page says, rather than ArgumentParser's 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let text = fullMessage(for: error)
            FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
