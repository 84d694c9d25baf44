import DeadlineKit
import Foundation
import Rules
import Store

/// Puts a notification into words for one language, at render time: days left are counted from `now`
/// on the entity's region calendar as configured then, so a message queued during an outage still says
/// how much time is left when it finally goes out, and a reloaded calendar is taken into account.
///
/// Rendering never fails: the templates were checked when loaded, and a missing rule or entity degrades
/// to the ids carried in the notification.
package struct MessageRenderer: Sendable {
    /// The wording, checked at load.
    package let templates: TemplateSet
    /// The configuration in force: rules for titles and citations, calendars for days left.
    package let configuration: Configuration

    /// A renderer for one configuration and its templates.
    package init(templates: TemplateSet, configuration: Configuration) {
        self.templates = templates
        self.configuration = configuration
    }

    /// - Parameters:
    ///   - entity: the entity the notification is about, for its name, zone and region (nil: use the id,
    ///     Asia/Shanghai and region cn).
    ///   - now: the instant the message is rendered, i.e. sent.
    package func render(_ n: Notification, entity: Entity?, language: Language, now: Instant) -> RenderedMessage {
        let t = templates.templates(for: language)
        let values = placeholderValues(n, entity: entity, templates: t, language: language, now: now)
        let k = t.kinds[n.kind]!
        let facts: [RenderedMessage.Fact] = k.facts.compactMap { fact in
            // A fact whose placeholders are all empty (no addressee, no citation) is left out rather than
            // shown with a blank value.
            let names = Placeholders.names(in: fact.value)
            if !names.isEmpty, names.allSatisfy({ (values[$0] ?? "").isEmpty }) { return nil }
            return RenderedMessage.Fact(label: fact.label, value: collapse(Placeholders.fill(fact.value, values)))
        }
        let note = collapse(Placeholders.fill(k.note, values))
        return RenderedMessage(
            language: language, severity: n.severity,
            title: collapse(Placeholders.fill(k.title, values)),
            summary: collapse(Placeholders.fill(k.summary, values)),
            facts: facts, note: note.isEmpty ? nil : note,
            link: webLink(n.obligation > 0 ? "/obligations/\(n.obligation)" : "/", language: language))
    }

    /// The web view's page at `path`, when obligd.json gives `web.baseURL`: reading a reminder and
    /// acknowledging it are then two clicks for a signed-in officer. A GET of it changes nothing, so
    /// a chat's link preview is harmless.
    package func webLink(_ path: String, language: Language) -> RenderedMessage.Link? {
        guard let base = (try? WebSettings.load(configuration))?.baseURL else { return nil }
        return .init(url: "\(base)\(path)?lang=\(language.rawValue)", label: language == .zhCN ? "在 obligd 中打开" : "Open in obligd")
    }

    /// A digest of change notices: the count and a breakdown by kind in the title, one fact per listed
    /// member (its own one-line summary, soonest due first), and the command that lists them all.
    package func renderDigest(_ c: DigestContent, members: [(Notification, Entity?)], language: Language, now: Instant) -> RenderedMessage {
        let t = templates.templates(for: language)
        let k = t.kinds[.digest]!
        let order: [NotificationKind] = [
            .opened, .moved, .underived, .reopened, .done, .waived, .lapsed, .classificationBegan, .classificationEnded
        ]
        let breakdown = order.compactMap { kind in
            c.kinds[kind.rawValue].map { Placeholders.fill(t.phrases["digest.\(kind.rawValue)"] ?? "", ["n": String($0)]) }
        }.joined(separator: ", ")
        let more =
            c.count > members.count
            ? Placeholders.fill(
                t.phrases["digest.more"] ?? "",
                [
                    "n": String(c.count - members.count),
                    "command": "obligctl outbox list --digest \(c.id) --status all"
                ])
            : ""
        // Reminders a close in this digest superseded (never sent): said, so nobody waits for them. A
        // digest template written before the placeholder existed gets it ahead of `more`.
        let superseded =
            c.superseded > 0 ? Placeholders.fill(t.phrases["digest.superseded"] ?? "", ["n": String(c.superseded)]) : ""
        let mentionsSuperseded = k.note.contains("{superseded}") || k.summary.contains("{superseded}")
        let values = [
            "count": String(c.count), "breakdown": breakdown, "digest": c.id, "superseded": superseded,
            "more": mentionsSuperseded || superseded.isEmpty ? more : superseded + " " + more
        ]
        var facts = k.facts.map { RenderedMessage.Fact(label: $0.label, value: collapse(Placeholders.fill($0.value, values))) }
        facts += members.map { n, e in
            RenderedMessage.Fact(label: "#\(n.obligation)", value: render(n, entity: e, language: language, now: now).summary)
        }
        let note = collapse(Placeholders.fill(k.note, values))
        return RenderedMessage(
            language: language, severity: c.kinds[NotificationKind.underived.rawValue] != nil ? .warning : .info,
            title: collapse(Placeholders.fill(k.title, values)), summary: collapse(Placeholders.fill(k.summary, values)),
            facts: facts, note: note.isEmpty ? nil : note, link: webLink("/", language: language))
    }

    /// Trims and squeezes the runs of spaces an empty placeholder leaves behind.
    private func collapse(_ s: String) -> String {
        var out = ""
        var lastSpace = false
        for ch in s {
            if ch == " " {
                if !lastSpace { out.append(ch) }
                lastSpace = true
            } else {
                out.append(ch)
                lastSpace = false
            }
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func placeholderValues(
        _ n: Notification, entity: Entity?, templates t: TemplateSet.LanguageTemplates, language: Language, now: Instant
    ) -> [String: String] {
        let zone = (try? Zone(entity?.zone ?? Zone.defaultIdentifier)) ?? Zone.shanghai
        let region = entity?.region ?? "cn"
        let calendar = configuration.calendars[region]
        let rule = n.rule.isEmpty ? nil : configuration.rule(n.rule)
        // The rule's own wording in the message's language: a Chinese message reads 省级网信部门, not
        // "provincial-level CAC". A custom obligation has only the title it was given.
        let wording = rule?.wording(language)
        let phrase = { (key: String, values: [String: String]) in Placeholders.fill(t.phrases[key] ?? "", values) }

        var v: [String: String] = [:]
        v["kind"] = n.kind.rawValue
        // An obligation stores its title in English (as its rule said when it opened, or as a person
        // gave it); another language takes the rule's own wording of it.
        v["title"] = language == .en ? n.title : wording?.title ?? n.title
        v["entity"] = entity?.name ?? n.entity
        v["entityId"] = n.entity
        v["obligation"] = String(n.obligation)
        v["rule"] = n.rule.isEmpty ? phrase("customRule", [:]) : n.rule
        v["ruleTitle"] = wording?.title ?? ""
        v["ruleName"] = n.rule.isEmpty ? phrase("customRule", [:]) : rule.map { "\($0.wording(language).title) (\($0.id))" } ?? n.rule
        v["citation"] = wording?.citation ?? ""
        v["addressee"] = wording?.addressee ?? ""
        v["duties"] = wording.map { $0.duties.isEmpty ? "-" : $0.duties.joined(separator: language == .zhCN ? "；" : "; ") } ?? "-"
        v["status"] = n.status
        v["stage"] = n.stageName ?? ""
        v["reason"] = n.reason ?? ""
        v["receiver"] = n.receiver ?? ""
        v["error"] = n.error ?? ""
        v["from"] = n.from ?? ""
        if let from = n.from, let d = try? CivilDate(parsing: from) {
            v["fromWeekday"] = t.weekdays[d.isoWeekday - 1]
        } else {
            v["fromWeekday"] = ""
        }

        let dueInstant = Instant(secondsSinceEpoch: n.dueInstant)
        // Day deadlines end at 24:00 local time (the next day's 00:00); only an instant deadline has a
        // time of day worth showing.
        let dueLocal = localTime(dueInstant, zone)
        let dueTime = dueLocal.time == "00:00" ? "" : dueLocal.time
        v["dueTime"] = dueTime
        v["due"] = n.due
        guard let due = try? CivilDate(parsing: n.due) else { return v }
        v["weekday"] = t.weekdays[due.isoWeekday - 1]

        let today = zone.day(of: now)
        let diff = due.dayNumber - today.dayNumber
        let daysText = { (n: Int) in phrase(n == 1 ? "days.one" : "days.other", ["n": String(n)]) }
        let workingText = { (n: Int) in phrase(n == 1 ? "workingDays.one" : "workingDays.other", ["n": String(n)]) }
        if diff > 0 {
            if let w = try? calendar?.workingDayCount(from: today.adding(days: 1), through: due) {
                v["left"] = phrase("left.future", ["working": workingText(w), "calendar": daysText(diff)])
            } else {
                v["left"] = phrase("left.futureCalendarOnly", ["calendar": daysText(diff)])
            }
        } else if diff == 0 {
            // An instant deadline (an incident report) names its time: "due today" alone hides it.
            v["left"] =
                dueTime.isEmpty
                ? phrase("left.today", [:])
                : phrase(now >= dueInstant ? "left.passedToday" : "left.todayAt", ["dueTime": dueTime])
        } else {
            if let w = try? calendar?.workingDayCount(from: due.adding(days: 1), through: today) {
                v["left"] = phrase("left.past", ["working": workingText(w), "calendar": daysText(-diff)])
            } else {
                v["left"] = phrase("left.pastCalendarOnly", ["calendar": daysText(-diff)])
            }
        }
        v["provisional"] = n.provisional ? phrase("provisional", [:]) : ""
        if n.late, let at = n.scheduledAt {
            let l = localTime(Instant(secondsSinceEpoch: at), zone)
            v["late"] = phrase("late", ["scheduledAt": "\(l.day) \(l.time)"])
        } else {
            v["late"] = ""
        }
        return v
    }

    private func localTime(_ i: Instant, _ zone: Zone) -> (day: CivilDate, time: String) {
        let offset = Int64(zone.offset(at: i))
        let local = i.secondsSinceEpoch + offset
        let secondsOfDay = ((local % 86_400) + 86_400) % 86_400
        let h = secondsOfDay / 3600, m = (secondsOfDay % 3600) / 60
        return (zone.day(of: i), (h < 10 ? "0" : "") + "\(h):" + (m < 10 ? "0" : "") + "\(m)")
    }
}
