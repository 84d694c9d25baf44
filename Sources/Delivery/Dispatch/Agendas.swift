import DeadlineKit
import Foundation
import Rules
import Store

/// Daily agendas: at its local time on each working day, each receiver that asks for one gets what is
/// overdue, what falls due in the next seven days and what moved since its previous agenda, of the
/// obligations its routes admit.
extension Dispatcher {
    /// Queues the agendas that are due at `now` (once per receiver and local day) and returns when the
    /// next one is due, for the dispatcher to sleep until.
    func queueAgendas(_ receivers: [Receiver], now: Int64) async throws -> Int64? {
        var next: Int64?
        let instant = Instant(secondsSinceEpoch: now / 1000)
        let calendars = configuration().calendars
        for receiver in receivers {
            guard let schedule = receiver.agenda else { continue }
            let minutes = schedule.minutes, zone = schedule.zone
            let today = zone.day(of: instant)
            let at = zone.instant(today, minutesAfterMidnight: minutes).secondsSinceEpoch * 1000
            if at <= now {
                // One write per receiver and day (the ledger decides), not one per pass; none on a rest day.
                let rest = schedule.restDays == .move && RestDayCalendar(calendar: calendars[schedule.region], moves: true).isRest(today)
                if !rest, agendaDays.withLock({ $0[receiver.name] }) != today.description {
                    if try await leader.queueAgenda(
                        receiver: receiver.name, day: today.description, now: now, scope: receiver.agendaScope)
                    {
                        logger.info("agenda queued", metadata: ["receiver": "\(receiver.name)", "day": "\(today)"])
                        wakeup.signal()
                    }
                    agendaDays.withLock { $0[receiver.name] = today.description }
                }
                let tomorrow = zone.instant(today.adding(days: 1), minutesAfterMidnight: minutes).secondsSinceEpoch * 1000
                next = min(next ?? .max, tomorrow)
            } else {
                next = min(next ?? .max, at)
            }
        }
        return next
    }
}

extension MessageRenderer {
    /// An agenda: counts in the title, then the listed obligations of each section (soonest first),
    /// each "#id entity: title, due day", and how many more there are.
    package func renderAgenda(_ a: AgendaContent, language: Language) -> RenderedMessage {
        let t = templates.templates(for: language)
        let k = t.kinds[.agenda]!
        let values = [
            "day": a.day, "overdueCount": String(a.overdue.count), "weekCount": String(a.week.count),
            "movedCount": String(a.moved.count)
        ]
        var facts: [RenderedMessage.Fact] = []
        for (key, section) in [("agenda.overdue", a.overdue), ("agenda.week", a.week), ("agenda.moved", a.moved)] where section.count > 0 {
            let label = t.phrases[key] ?? key
            facts += section.items.map {
                RenderedMessage.Fact(label: label, value: "#\($0.obligation) \($0.entity): \($0.title), \($0.due)")
            }
            if section.count > section.items.count {
                facts.append(
                    .init(
                        label: label,
                        value: Placeholders.fill(t.phrases["agenda.more"] ?? "", ["n": String(section.count - section.items.count)])))
            }
        }
        let note = Placeholders.fill(k.note, values).trimmingCharacters(in: .whitespaces)
        return RenderedMessage(
            language: language, severity: a.overdue.count > 0 ? .warning : .info,
            title: Placeholders.fill(k.title, values), summary: Placeholders.fill(k.summary, values),
            facts: facts, note: note.isEmpty ? nil : note, link: webLink("/", language: language))
    }
}
