import DeadlineKit

/// One stage of an obligation's reminder plan: a reminder ahead of the deadline, on the due day, or
/// the Nth after it. Parsed and printed here only, so the ledger, the outbox, routes and the calendar
/// feed read the same words (`before:-7d`, `before:-5wd`, `due`, `overdue:3`).
///
/// Why a type: the stage was a string built in one place and taken apart by prefix in five others, and
/// a route's `before:7d` (a typo) loaded and never matched anything.
package enum ReminderStage: Sendable, Hashable, CustomStringConvertible {
    /// A reminder `offset` ahead of the deadline (`-7d`, `-5wd`, `-2h`; always backward).
    case before(Period)
    /// The reminder on the due day (at the day's time) or at the due instant.
    case due
    /// The Nth reminder after the deadline, from 1.
    case overdue(Int)

    /// The three kinds of stage, which a route may name to take every stage of one kind.
    package enum Family: String, Sendable, CaseIterable {
        case before, due, overdue
    }

    /// What `init(parsing:)` accepts, for error messages.
    package static let accepted = "due, before:-7d, before:-5wd, before:-2h or overdue:1"

    /// Reads a stage as printed, e.g. `before:-7d`; a ledger key's `@day` suffix is not part of it.
    package init(parsing text: String) throws(InputError) {
        if text == "due" {
            self = .due
        } else if text.hasPrefix("before:") {
            let offset = String(text.dropFirst("before:".count))
            let p: Period
            do throws(InputError) { p = try Period(parsing: offset) } catch {
                // "before:7d": a period without its sign, which would have loaded and never matched.
                let problem =
                    (try? Period(parsing: "-" + offset)) != nil
                    ? "is not a time before the deadline (write -\(offset))" : "has no period after 'before:' (\(error.problem))"
                throw InputError(token: text, problem: problem, accepted: Self.accepted)
            }
            guard p.isBackward else {
                throw InputError(token: text, problem: "is not a time before the deadline (write -\(offset))", accepted: Self.accepted)
            }
            self = .before(p)
        } else if text.hasPrefix("overdue:"), let n = Int(text.dropFirst("overdue:".count)), n > 0 {
            self = .overdue(n)
        } else {
            throw InputError(token: text, problem: "is not a reminder stage", accepted: Self.accepted)
        }
    }

    /// The stage as the ledger, the outbox and routes write it.
    package var description: String {
        switch self {
        case let .before(p): "before:\(p)"
        case .due: "due"
        case let .overdue(n): "overdue:\(n)"
        }
    }

    /// Which kind of stage this is.
    package var family: Family {
        switch self {
        case .before: .before
        case .due: .due
        case .overdue: .overdue
        }
    }

    /// The N of an overdue stage.
    package var overdueIndex: Int? { if case let .overdue(n) = self { n } else { nil } }

    /// A reminder minutes or hours ahead of an instant: on the due day, as urgent as the due stage.
    package var isWithinTheDay: Bool { if case let .before(p) = self { p.seconds != nil } else { false } }
}

/// A route's choice of stages: a whole family (`before`) or one stage (`before:-7d`).
package enum ReminderStageFilter: Sendable, Hashable, CustomStringConvertible {
    case family(ReminderStage.Family)
    case stage(ReminderStage)

    /// Reads `before`, `due`, `overdue`, or a stage as `ReminderStage` prints it.
    package init(parsing text: String) throws(InputError) {
        if let f = ReminderStage.Family(rawValue: text) {
            self = .family(f)
        } else {
            do throws(InputError) { self = .stage(try ReminderStage(parsing: text)) } catch {
                throw InputError(
                    token: text, problem: error.problem, accepted: "before, overdue, or one stage: " + ReminderStage.accepted)
            }
        }
    }

    /// `before`, `overdue`, or the one stage, as `init(parsing:)` reads it back.
    package var description: String {
        switch self {
        case let .family(f): f.rawValue
        case let .stage(s): s.description
        }
    }

    /// Whether `stage` is one this filter takes.
    package func matches(_ stage: ReminderStage) -> Bool {
        switch self {
        case let .family(f): stage.family == f
        case let .stage(s): stage == s
        }
    }
}

/// What a reminder plan does with a stage of a day deadline that falls on a rest day of the entity's
/// calendar (weekend or holiday; make-up days are working days).
package enum RestDays: String, Sendable, Hashable, CaseIterable {
    /// A before-stage moves to the last working day before it, an overdue repeat waits for the next
    /// working day, and stages that then meet are sent once. The default: a reminder exists to leave
    /// working time to act, and nobody acts on a holiday.
    case move
    /// Every stage fires on its calendar day, rest day or not (obligd before 2026-12).
    case fire
}
