import APIModel
import ArgumentParser
import Foundation

struct ObligationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obligation", abstract: "Custom obligations.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a custom obligation: obligctl obligation add acme --title \"Reply to audit\" --start 2025-03-03 --period +10wd.")
        @OptionGroup var client: WriteOptions
        @Argument(help: "Entity id.") var entity: String
        @Option(help: "What must be done.") var title: String
        @Option(help: "Start: YYYY-MM-DD, or an instant with offset for +Nh/+Nmin/+Ns.") var start: String
        @Option(help: "Period: +Nwd, +Nd, +Nmo, +Ny, -N..., +Nh, +Nmin, +Ns.") var period: String
        @Option(help: "Roll a rest-day end: forward, backward or none.") var roll: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await runClient {
                let o = try await client.client().post(
                    "/v1/obligations", CustomObligationBody(entity: entity, title: title, start: start, period: period, roll: roll),
                    as: ObligationView.self)
                if json { return try printJSON(o) }
                writeOut("opened obligation \(o.id): \(o.title), due \(DueText.due(o))\(o.provisional ? " PROVISIONAL" : "")\n")
            }
        }
    }
}

struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Obligations, soonest due first (open ones by default).")
    @OptionGroup var client: ClientOptions
    @Option(help: "Only this entity.") var entity: String?
    @Option(help: "open, done, waived, lapsed (ended by an event, e.g. a certificate revoked) or all.")
    var status: String = "open"
    @Option(help: "Only those due before this day (YYYY-MM-DD).") var dueBefore: String?
    @Option(help: "At most this many.") var limit: Int?
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        try await runClient {
            var q = ["status=\(query(status))"]
            if let entity { q.append("entity=\(query(entity))") }
            if let dueBefore { q.append("dueBefore=\(query(dueBefore))") }
            if let limit { q.append("limit=\(limit)") }
            let list = try await client.client().get("/v1/obligations?" + q.joined(separator: "&"), as: [ObligationView].self)
            if json { return try printJSON(list) }
            writeOut(ObligationTable.render(list))
        }
    }
}

enum ObligationTable {
    static func render(_ list: [ObligationView]) -> String {
        if list.isEmpty { return "no obligations\n" }
        let now = Date()
        return Table(
            header: ["ID", "ENTITY", "DUE", "LEFT", "STATUS", "RULE / TITLE"],
            rows: list.map { o in
                let status = o.status.rawValue + (o.acknowledged.map { " (ack \($0.by))" } ?? "")
                return [
                    String(o.id), o.entity, DueText.column(o) + (o.provisional ? " (prov.)" : ""), DueText.left(o, now: now), status,
                    o.rule ?? o.title
                ]
            }
        ).render()
    }
}

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One obligation; --explain says how its due day was computed.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Flag(help: "Explain the due day: rule, holidays skipped, calendars used.") var explain = false
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let o = try await client.client().get("/v1/obligations/\(id)\(explain ? "?explain=true" : "")", as: ObligationView.self)
            if json { return try printJSON(o) }
            var lines = [
                "obligation \(o.id): \(o.title)",
                "entity:     \(o.entity)",
                "rule:       \(o.rule ?? "custom")",
                "trigger:    \(o.trigger)",
                o.period.hasPrefix("-")
                    ? "before:     \(o.start)   period: \(o.period) (counted back from this day, e.g. an expiry)"
                    : "start:      \(o.start)   period: \(o.period)",
                "due:        \(DueText.due(o)), ends \(o.dueLocal)\(o.provisional ? "  PROVISIONAL" : "")",
                "left:       \(DueText.left(o))",
                "status:     \(o.status)" + (o.closedOn.map { " on \($0)" } ?? "") + (o.closedNote.map { ": \($0)" } ?? ""),
                "calendars:  \(o.calendars.joined(separator: ", "))"
            ]
            if let a = o.acknowledged {
                lines.append("acknowledged: by \(a.by) at \(a.at)\(a.until.map { " until \($0)" } ?? ""): \(a.note)")
            }
            if let e = o.explanation {
                lines.append("explanation:")
                lines += e.map { "  " + $0 }
            }
            if let plan = o.reminders, !plan.isEmpty {
                lines.append("reminders (\(o.zone)):")
                for s in plan {
                    let when = DueText.localMinute(s.local)
                    let state = s.sent.map { "sent \($0)" + (s.late ? " (late)" : "") } ?? (s.state == "planned" ? "to come" : "not sent")
                    lines.append("  \(s.stage.padding(toLength: 12, withPad: " ", startingAt: 0)) \(when)  \(state)")
                    if let note = s.note { lines.append("      \(note)") }
                }
            }
            writeOut(lines.joined(separator: "\n") + "\n")
        }
    }
}

struct DoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark an obligation done.")
    @OptionGroup var client: WriteOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Option(help: "Day it was done (YYYY-MM-DD); default today.") var date: String?
    @Option(help: "A note for the audit log.") var note: String?
    @Option(help: ArgumentHelp("A file kept as evidence (a filing receipt); repeat for several.", valueName: "file"))
    var evidence: [String] = []
    @Option(help: "A reference kept as evidence (a filing number).") var reference: String?
    @Flag(help: "Print JSON (the obligation; `opened` holds the next one of a recurring rule).") var json = false

    func run() async throws {
        try await runClient {
            let files = try EvidenceFiles.bodies(evidence)
            let body = CloseBody(date: date, note: note, evidence: files.isEmpty ? nil : files, reference: reference)
            let o = try await client.client().post("/v1/obligations/\(id)/done", body, as: ObligationView.self)
            if json { return try printJSON(o) }
            writeOut("obligation \(o.id) done on \(o.closedOn ?? "?")\n")
            if !files.isEmpty || reference != nil {
                writeOut("evidence kept: \(files.map(\.name).joined(separator: ", "))\(reference.map { " reference \($0)" } ?? "")\n")
            }
            for next in o.opened ?? [] {
                writeOut("opened obligation \(next.id): \(next.title), due \(DueText.due(next))\(next.provisional ? " PROVISIONAL" : "")\n")
            }
        }
    }
}

struct WaiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "waive", abstract: "Waive an obligation (a reason is required).")
    @OptionGroup var client: WriteOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Option(help: "Why it does not apply.") var reason: String
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let o = try await client.client().post("/v1/obligations/\(id)/waive", CloseBody(note: reason), as: ObligationView.self)
            if json { return try printJSON(o) }
            writeOut("obligation \(o.id) waived\n")
        }
    }
}

struct ReopenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen a done or waived obligation.")
    @OptionGroup var client: WriteOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Option(help: "Why.") var note: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let o = try await client.client().post("/v1/obligations/\(id)/reopen", CloseBody(note: note), as: ObligationView.self)
            if json { return try printJSON(o) }
            writeOut("obligation \(o.id) reopened, due \(DueText.due(o))\n")
        }
    }
}

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "The audit trail of an obligation.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "Obligation id.") var id: Int64
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let list = try await client.client().get("/v1/obligations/\(id)/history", as: [AuditView].self)
            if json { return try printJSON(list) }
            writeOut(
                Table(header: ["AT", "ACTOR", "ACTION", "NOTE"], rows: list.map { [$0.at, $0.actor, $0.action, $0.note ?? ""] }).render())
        }
    }
}

struct ReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reload", abstract: "Make obligd re-read its configuration (like SIGHUP).")
    @OptionGroup var client: WriteOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let r = try await client.client().post("/v1/reload", EmptyBody(), as: [String: String].self)
            if json { return try printJSON(r) }
            writeOut("reloaded: \(r["status"] ?? "")\n")
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Is obligd up, and what is open and overdue.")
    @OptionGroup var client: ClientOptions
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await runClient {
            let h = try await client.client().get("/v1/health", as: Health.self)
            if json { return try printJSON(h) }
            writeOut(
                "obligd \(h.version) \(h.status) on \(client.socketPath): \(h.openObligations) open, \(h.overdue) overdue, \(h.rules) rules\(h.nextDue.map { "; next: \($0.entity) \($0.rule ?? $0.title) due \(DueText.column($0)), \(DueText.left($0))" } ?? "")\n"
            )
            if let role = h.role, role != "standalone" { writeOut("  cluster: this node is \(role) (obligctl cluster status)\n") }
            if let problem = h.cluster { writeOut("  \(problem)\n") }
            for problem in h.receiverProblems { writeOut("  \(problem)\n") }
        }
    }
}
