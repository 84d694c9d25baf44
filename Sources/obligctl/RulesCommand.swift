import ArgumentParser
import DeadlineKit
import Rules

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List and show the obligations of the rule packs.",
        subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per rule: id, kind, period, trigger.")
        @OptionGroup var configOptions: ConfigOptions
        @Flag(help: "Print a JSON array, one object per rule as rules show --json prints it.") var json = false

        func run() throws {
            let config: Configuration
            do { config = try configOptions.load() } catch let e as UsageFailure { Self.fail(e) }
            if json { return try printJSON(config.rules.map(RuleJSON.init)) }
            let rows = config.rules.map { r in
                [r.id, r.kind.rawValue, r.period?.description ?? r.periodAttribute.map { "(\($0))" } ?? "-", RuleJSON.trigger(r)]
            }
            writeOut(Table(header: ["ID", "KIND", "PERIOD", "TRIGGER"], rows: rows).render())
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything about one rule, with its citation.")
        @OptionGroup var configOptions: ConfigOptions
        @Argument(help: "Rule id, e.g. cn.facial-recognition.filing.") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let config: Configuration
            do { config = try configOptions.load() } catch let e as UsageFailure { Self.fail(e) }
            guard let r = config.rule(id) else {
                Self.fail(UsageFailure("no rule '\(id)'; see obligctl rules list for the ids"))
            }
            if json { return try printJSON(RuleJSON(r)) }
            let zh = r.wording(.zhCN)
            var lines = [
                "id:         \(r.id)",
                "title:      \(r.title)",
                "            \(zh.title)",
                "kind:       \(r.kind.rawValue)",
                "pack:       \(r.pack) (region \(r.region))",
                "trigger:    \(RuleJSON.trigger(r))"
            ]
            for c in r.eventConditions { lines.append("            \(c): \(c.basis)") }
            if case let .metric(_, conditions, _) = r.trigger {
                for c in conditions { lines.append("            \(c): \(c.basis)") }
            }
            if r.resets == .yearly {
                lines.append("            the metric starts from zero on 1 January in the entity's zone: what it gives ends with its year")
            }
            if let p = r.period { lines.append("period:     \(p) (\(p.humanDescription) the trigger)") }
            if let a = r.periodAttribute {
                lines.append((r.period == nil ? "period:     " : "            or ") + "the period stated in the event's '\(a)'")
            }
            if let roll = r.roll { lines.append("roll:       \(roll.rawValue)") }
            if let e = r.effective { lines.append("effective:  \(e) (an earlier trigger starts the clock on this day)") }
            if let a = r.addressee { lines.append("addressee:  \(a) / \(zh.addressee ?? "")") }
            if let rec = r.recurrence { lines.append("recurs:     \(rec) after each due day") }
            lines.append("reminders:  \(r.reminders.description)")
            for (i, d) in r.duties.enumerated() { lines.append((i == 0 ? "brings:     " : "            ") + d) }
            for d in zh.duties { lines.append("            " + d) }
            lines.append("citation:   \(r.citation)")
            lines.append("            \(zh.citation)")
            if let n = r.notes { lines.append("notes:      \(n)") }
            writeOut(lines.joined(separator: "\n") + "\n")
        }
    }
}

/// A rule as `rules show --json` prints it: the fields of the rule pack, periods in their grammar;
/// `title`, `addressee`, `duties` and `citation` in English, and all four in Chinese under `zh-CN`.
struct RuleJSON: Encodable {
    var id, title, kind, pack, region, trigger, reminders, citation: String
    var period, periodAttribute, roll, effective, addressee, recurrence, notes: String?
    /// `yearly` when the trigger metric starts from zero each year (a year-to-date count).
    var resets: String?
    var duties: [String]
    var chinese: Wording
    /// Each threshold condition and the words of the instrument it comes from.
    var conditions: [Condition]

    /// The trigger with the conditions on its event's attributes, as `rules list` and `show` print it.
    static func trigger(_ r: Rule) -> String {
        r.trigger.description
            + (r.eventConditions.isEmpty ? "" : " when " + r.eventConditions.map(\.description).joined(separator: " and "))
    }

    struct Wording: Encodable {
        var title, citation: String
        var addressee: String?
        var duties: [String]
    }

    /// A threshold (`>=`, 1000000) or an event condition (`severity >=`, relatively-significant).
    struct Condition: Encodable {
        var op: String
        var value: String
        var basis: String
    }

    enum CodingKeys: String, CodingKey {
        case id, title, kind, pack, region, trigger, reminders, citation, period, periodAttribute, roll, effective, addressee
        case recurrence, notes, duties, conditions, resets
        case chinese = "zh-CN"
    }

    init(_ r: Rule) {
        id = r.id
        title = r.title
        kind = r.kind.rawValue
        pack = r.pack
        region = r.region
        trigger = Self.trigger(r)
        reminders = r.reminders.description
        citation = r.citation
        period = r.period?.description
        periodAttribute = r.periodAttribute
        roll = r.roll?.rawValue
        effective = r.effective?.description
        addressee = r.addressee
        recurrence = r.recurrence?.description
        notes = r.notes
        resets = r.resets?.rawValue
        duties = r.duties
        let zh = r.wording(.zhCN)
        chinese = Wording(title: zh.title, citation: zh.citation, addressee: zh.addressee, duties: zh.duties)
        if case let .metric(_, cs, _) = r.trigger {
            conditions = cs.map { Condition(op: $0.op.rawValue, value: "\($0.value)", basis: $0.basis) }
        } else {
            conditions = r.eventConditions.map { Condition(op: "\($0.attribute) >=", value: $0.atLeast.description, basis: $0.basis) }
        }
    }
}

/// A plain left-aligned text table for people; scripts use --json.
struct Table {
    var header: [String]
    var rows: [[String]]

    func render() -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == cells.count - 1 ? c : c + String(repeating: " ", count: widths[i] - c.count)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
