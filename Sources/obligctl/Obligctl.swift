import ArgumentParser

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
            EventCommand.self, ObligationCommand.self, ListCommand.self, ShowCommand.self, DoneCommand.self,
            WaiveCommand.self, ReopenCommand.self, AckCommand.self, HistoryCommand.self, ReloadCommand.self, ImportCommand.self,
            OutboxCommand.self, ReceiverCommand.self, NotifyCommand.self, AuditCommand.self
        ]
    )
}
