import DeadlineKit

/// One obligation of a rule pack: what triggers it, the period that follows, who must be told, and
/// where the law says so.
package struct Rule: Sendable, Identifiable {
    /// What a rule does with what triggers it (pack key `kind`).
    package enum Kind: String, Sendable, CaseIterable {
        /// Opens an obligation with a due date.
        case deadline
        /// Marks the entity (e.g. a large platform); no due date of its own.
        case classification
        /// A minimum keeping period, not an act to be done by a date.
        case retention
    }

    /// One comparison of a metric with a number. Civil Code art. 1259 decides the operator from the
    /// Chinese words of the instrument (以上, 以下, 以内, 届满 include the number; 不满, 超过, 以外 do
    /// not), so each condition carries those words as its `basis`: an English "over" is not enough.
    package struct Condition: Sendable, Hashable, CustomStringConvertible {
        /// The comparison, written in packs and messages as its symbol.
        package enum Operator: String, Sendable, CaseIterable {
            /// Includes the number (以上, 届满).
            case atLeast = ">="
            /// Excludes the number (超过).
            case over = ">"
            /// Includes the number (以下, 以内).
            case atMost = "<="
            /// Excludes the number (不满).
            case under = "<"
        }
        /// How the metric compares with `value`, as the instrument's words decide.
        package var op: Operator
        /// The threshold, in the metric's own unit.
        package var value: Int64
        /// Why this operator: the words of the instrument it comes from (pack key `basis`).
        package var basis: String

        /// A condition; tests may leave out `basis`, a pack may not.
        package init(op: Operator, value: Int64, basis: String = "") {
            self.op = op
            self.value = value
            self.basis = basis
        }

        /// Whether metric value `x` meets the condition.
        package func holds(_ x: Int64) -> Bool {
            switch op {
            case .atLeast: x >= value
            case .over: x > value
            case .atMost: x <= value
            case .under: x < value
            }
        }

        /// `>= 1000000`: the form the derivation key and `obligctl rules` show.
        package var description: String { "\(op.rawValue) \(value)" }
    }

    /// A condition on an attribute of the triggering event, on an ordered scale of the pack (the
    /// Zhejiang reports are for incidents of severity 较大 or above). An event that does not state the
    /// attribute still opens the obligation, flagged "condition not stated": a duty is never skipped
    /// because a field was left out.
    package struct EventCondition: Sendable, Hashable, CustomStringConvertible {
        /// The event attribute read (e.g. `severity`).
        package var attribute: String
        /// The pack's ordered scale the attribute's value is read on.
        package var scale: Scale
        /// The lowest level that meets the condition.
        package var atLeast: Scale.Level
        /// Why: the words of the instrument (较大及以上).
        package var basis: String

        /// A condition as the pack loader builds it, with the instrument's words.
        package init(attribute: String, scale: Scale, atLeast: Scale.Level, basis: String) {
            self.attribute = attribute
            self.scale = scale
            self.atLeast = atLeast
            self.basis = basis
        }

        /// `severity at least 较大`: the form the derivation key and audit notes show.
        package var description: String { "\(attribute) at least \(atLeast)" }
    }

    /// A condition on an attribute of the entity (`obligctl entity set E ciio true`): the PI export
    /// certification route is only for a non-CIIO whose exported PI includes no important data. An
    /// entity that has not stated the attribute is treated as meeting it and flagged "condition not
    /// stated": a duty or classification is never skipped because a fact was not recorded.
    package struct EntityCondition: Sendable, Hashable, CustomStringConvertible {
        /// The entity attribute read (`ciio`, `important_data`), as the pack's `entityAttributes` declares it.
        package var attribute: String
        /// The value the entity must have stated for the rule to apply.
        package var value: Bool
        /// Why: the words of the instrument (非关键信息基础设施运营者).
        package var basis: String

        /// A condition as the pack loader builds it, with the instrument's words.
        package init(attribute: String, value: Bool, basis: String) {
            self.attribute = attribute
            self.value = value
            self.basis = basis
        }

        /// `entity ciio is false`: the form the derivation key and audit notes show.
        package var description: String { "entity \(attribute) is \(value)" }
    }

    /// What starts the clock of a rule (pack key `trigger`).
    package enum Trigger: Sendable {
        /// A metric of the entity meets all `conditions`; the clock starts the day it first does.
        case metric(name: String, conditions: [Condition], reopenOnRecross: Bool)
        /// An event of `kind`; the clock starts at the event, or at the date in its attribute `startAttribute`.
        case event(kind: String, startAttribute: String?)

        /// `metric users >= 1000000` or `event incident`: part of the derivation key, so a change re-derives.
        package var description: String {
            switch self {
            case let .metric(name, conditions, _):
                return "metric \(name) " + conditions.map(\.description).joined(separator: " and ")
            case let .event(kind, attr):
                return "event \(kind)" + (attr.map { " (from its '\($0)')" } ?? "")
            }
        }
    }

    /// What a rule says in one language: its title, who is told, the duties it brings and its
    /// legal basis. The pack gives each in English and in the Chinese wording of the instrument
    /// (e.g. 省级网信部门), and a load refuses a rule without both, so a Chinese message never
    /// carries an English duty.
    package struct Wording: Sendable, Hashable {
        /// What must be done (or the classification's name), as messages and pages show it.
        package var title: String
        /// Who must be told or filed with (e.g. the provincial CAC); nil when the pack names nobody.
        package var addressee: String?
        /// What a classification brings with it (the duties that apply while it holds), shown with it.
        package var duties: [String]
        /// The instrument, its number or date, and the article.
        package var citation: String

        /// A wording as the pack loader reads it; the loader refuses a rule without both languages.
        package init(title: String, addressee: String?, duties: [String], citation: String) {
            self.title = title
            self.addressee = addressee
            self.duties = duties
            self.citation = citation
        }
    }

    /// The rule's id, unique across packs; obligations, routes and audit notes name the rule by it.
    package var id: String
    /// The English wording.
    package var english: Wording
    /// The Chinese wording, in the words of the instrument.
    package var chinese: Wording
    /// Whether it opens obligations, marks the entity, or sets a keeping period.
    package var kind: Kind
    /// The calendar region it applies in: only entities of this region are evaluated against it.
    package var region: String
    /// What starts the clock.
    package var trigger: Trigger
    /// How long after the trigger the obligation falls due; nil when the event states it (`periodAttribute`) or the
    /// rule has no due date (a classification).
    package var period: Period?
    /// Conditions on the triggering event's attributes (pack key `trigger.when`); all must hold.
    package var eventConditions: [EventCondition] = []
    /// Conditions on the entity's attributes (pack key `trigger.entity`); all must hold.
    package var entityConditions: [EntityCondition] = []
    /// An event attribute that may state the period instead (a rectification notice's own period).
    package var periodAttribute: String?
    /// How a due day on a rest day moves; nil: it does not.
    package var roll: Roll?
    /// A trigger before this day starts the clock on this day.
    package var effective: CivilDate?
    /// Free text from the pack for the reader of `obligctl rules show`; derives nothing.
    package var notes: String?
    /// When to remind about the obligations it opens.
    package var reminders: ReminderPolicy
    /// The trigger metric starts from zero each year (`"resets": "yearly"` on the metric): crossings
    /// and classification spans are counted within each year of the entity's zone.
    package var resets: MetricReset?
    /// Recurring obligations open the next one this period after the current one's due day.
    package var recurrence: Period?
    /// The id of the rule pack it came from, shown by `obligctl rules`.
    package var pack: String

    /// The rule's wording in `language`: what a message, feed or page in that language shows.
    package func wording(_ language: Language) -> Wording {
        switch language {
        case .en: english
        case .zhCN: chinese
        }
    }

    /// The English title, as obligations store it and audit notes name the rule.
    package var title: String { english.title }
    /// The English addressee; `wording(_:)` gives the Chinese.
    package var addressee: String? { english.addressee }
    /// The English citation; `wording(_:)` gives the Chinese.
    package var citation: String { english.citation }
    /// The English duties; `wording(_:)` gives the Chinese.
    package var duties: [String] { english.duties }

    /// What decides the obligations this rule derives from facts (trigger, period, roll, effective
    /// date): two rules with the same key derive the same due dates, so a reload re-derives only rules
    /// whose key changed. Titles, citations and reminder stages are not part of it.
    package var derivationKey: String {
        [
            kind.rawValue, region, trigger.description, "\(reopensOnRecross)", period?.description ?? "-", periodAttribute ?? "-",
            roll?.rawValue ?? "-", effective?.description ?? "-", recurrence?.description ?? "-"
        ].joined(separator: "|") + eventConditionsKey + (resets.map { "|resets \($0.rawValue)" } ?? "")
            + (entityConditions.isEmpty ? "" : "|entity " + entityConditions.map(\.description).joined(separator: " and "))
    }

    /// The event conditions as the derivation key reads them; empty without any, so a rule without
    /// conditions keeps the key it had before they existed.
    private var eventConditionsKey: String {
        eventConditions.isEmpty ? "" : "|when " + eventConditionsText
    }

    private var eventConditionsText: String { eventConditions.map(\.description).joined(separator: " and ") }

    private var reopensOnRecross: Bool {
        if case let .metric(_, _, r) = trigger { return r }
        return false
    }

    /// How this rule's derivation differs from `old`'s, for audit notes ("period +2mo -> +3mo").
    package func derivationChange(from old: Rule) -> String {
        var parts: [String] = []
        func note(_ name: String, _ a: String?, _ b: String?) { if a != b { parts.append("\(name) \(a ?? "none") -> \(b ?? "none")") } }
        note("trigger", old.trigger.description, trigger.description)
        note("period", old.period?.description, period?.description)
        note("period attribute", old.periodAttribute, periodAttribute)
        note("roll", old.roll?.rawValue, roll?.rawValue)
        note("effective", old.effective?.description, effective?.description)
        note("recurrence", old.recurrence?.description, recurrence?.description)
        note(
            "event conditions", old.eventConditions.isEmpty ? nil : old.eventConditionsText,
            eventConditions.isEmpty ? nil : eventConditionsText)
        note("metric resets", old.resets?.rawValue, resets?.rawValue)
        note(
            "entity conditions", old.entityConditions.isEmpty ? nil : old.entityConditions.map(\.description).joined(separator: " and "),
            entityConditions.isEmpty ? nil : entityConditions.map(\.description).joined(separator: " and "))
        if old.kind != kind { parts.append("kind \(old.kind.rawValue) -> \(kind.rawValue)") }
        if old.region != region { parts.append("region \(old.region) -> \(region)") }
        note("reopen on re-crossing", "\(old.reopensOnRecross)", "\(reopensOnRecross)")
        return parts.joined(separator: ", ")
    }
}

/// When a metric's count starts again from zero (pack key `resets` on a metric).
package enum MetricReset: String, Sendable, CaseIterable {
    /// On 1 January in the entity's zone: a count "自当年1月1日起" (since 1 January of the year).
    case yearly
}

/// When to remind about an obligation: offsets before the due day, the due day itself, then overdue.
package struct ReminderPolicy: Sendable, Hashable {
    /// Periods before the due instant, e.g. 30d, 7d, 1d (written as -30d in config).
    package var before: [Period]
    /// Local time on the due day, as minutes after midnight; nil for instant deadlines.
    package var dueDayAtMinutes: Int?
    /// How often to remind once overdue; nil: no overdue reminders.
    package var overdueEvery: Period?
    /// An overdue repeat of less than a day backs off: every `overdueEvery` for the first hour, hourly
    /// to the end of the first day, then daily (config `"overdueBackoff": false` keeps it fixed). An
    /// incident report missed by a week is then reminded daily, not every five minutes forever.
    package var overdueBackoff: Bool
    /// What a stage of a day deadline does on a rest day of the entity's calendar (config `restDays`).
    package var restDays: RestDays

    /// A policy; by default sub-day overdue repeats back off and stages move off rest days.
    package init(
        before: [Period], dueDayAtMinutes: Int?, overdueEvery: Period?, overdueBackoff: Bool = true, restDays: RestDays = .move
    ) {
        self.before = before
        self.dueDayAtMinutes = dueDayAtMinutes
        self.overdueEvery = overdueEvery
        self.overdueBackoff = overdueBackoff
        self.restDays = restDays
    }

    /// How `obligctl rules show` states it: the offsets, the due day's time, the overdue repeat.
    package var description: String {
        var parts = before.map { "\($0)" }
        if let m = dueDayAtMinutes { parts.append("due day \(pad2(m / 60)):\(pad2(m % 60))") }
        if let o = overdueEvery {
            let backsOff = overdueBackoff && (o.seconds.map { $0 < 86_400 } ?? false)
            parts.append("overdue every \(o.description.dropFirst())" + (backsOff ? " for an hour, then hourly, then daily" : ""))
        }
        if restDays == .fire { parts.append("on rest days too") }
        return parts.joined(separator: ", ")
    }
}

func pad2(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
