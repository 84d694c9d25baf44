import Rules
import Store

/// The wire formats obligd speaks.
package enum FormatName: String, Sendable, CaseIterable {
    case standard, dingtalk, feishu, wecom, slack, teams

    /// The platform's documented limit per minute per webhook (DingTalk and WeCom robots 20, Feishu bots
    /// 100, Slack incoming webhooks about one a second); our own receivers and Teams get a generous one.
    package var defaultRatePerMinute: Int {
        switch self {
        case .dingtalk, .wecom: 20
        case .feishu: 100
        case .slack, .teams: 60
        case .standard: 600
        }
    }

    /// Burst sizes that keep every 60 s window within the limit (see `RateLimit`). The sustained rate
    /// is `perMinute - burst`, so chat robots with low limits get a burst of 2 (18 a minute for
    /// DingTalk and WeCom): one token is kept for reminders while change notices drain; Feishu, which
    /// also allows at most 5 a second, gets 3.
    package var defaultBurst: Int {
        switch self {
        case .dingtalk, .wecom, .teams, .slack: 2
        case .feishu: 3
        case .standard: 10
        }
    }

    /// Whether the format signs requests, and whether a secret is required for it.
    var secretUse: SecretUse {
        switch self {
        case .standard: .required
        case .dingtalk, .feishu: .optional
        case .wecom, .slack, .teams: .none
        }
    }

    enum SecretUse { case required, optional, none }

    /// Chat platforms put a token in the URL, so their URL is a credential and must not sit in the
    /// config file; a `standard` receiver's URL is a plain address (its secret signs the requests).
    var urlIsCredential: Bool { self != .standard }

    var defaultLanguage: Language {
        switch self {
        case .dingtalk, .feishu, .wecom: .zhCN
        case .standard, .slack, .teams: .en
        }
    }
}

/// A webhook that notifications are delivered to, as configured in obligd.json `receivers`.
/// Its URL and secret are `Secret`s: printing a receiver never shows them.
package struct Receiver: Sendable, Equatable, CustomStringConvertible {
    /// The receiver's name (obligd.json key); delivery rows, metrics and `obligctl outbox` name it.
    package var name: String
    /// The wire format, which decides the body, signing, rate and default language.
    package var format: FormatName
    /// Where messages are POSTed; a chat platform's URL holds its token, so it comes from a credential, never
    /// from obligd.json.
    package var url: Secret
    /// The signing secret (`standard`: required; DingTalk and Feishu: optional); nil when unsigned.
    package var secret: Secret?
    /// The language messages are written in; the format's default unless obligd.json says otherwise.
    package var language: Language
    /// Which notifications it takes; empty: all of them.
    package var routes: [Route]
    /// The most it is sent per minute, and the burst allowed.
    package var rate: RateLimit
    /// How long one request may take, connect to last byte.
    package var timeout: Duration
    /// Change notices wait this long for others to join them in one digest message (nil: each is sent
    /// alone). Reminders never wait.
    package var digestWindow: Duration?
    /// People to @mention on this platform (DingTalk mobiles or user ids, Feishu open_ids, WeCom user
    /// ids, Slack member ids, Teams user ids) in its due and overdue reminders. From obligd.json only,
    /// never from user text.
    package var mentions: [String]
    /// Also @mention the entity's owner, when `people` in obligd.json maps the owner to an id here.
    package var mentionOwner: Bool
    /// A daily agenda, if configured.
    package var agenda: AgendaSchedule?

    /// A receiver as configured; without a rate, the format's default applies.
    package init(
        name: String, format: FormatName, url: Secret, secret: Secret?, language: Language, routes: [Route] = [],
        rate: RateLimit? = nil, timeout: Duration = .seconds(10), digestWindow: Duration? = nil,
        mentions: [String] = [], mentionOwner: Bool = false, agenda: AgendaSchedule? = nil
    ) {
        self.name = name
        self.format = format
        self.url = url
        self.secret = secret
        self.language = language
        self.routes = routes
        self.rate = rate ?? RateLimit(perMinute: format.defaultRatePerMinute, burst: format.defaultBurst)
        self.timeout = timeout
        self.digestWindow = digestWindow
        self.mentions = mentions
        self.mentionOwner = mentionOwner
        self.agenda = agenda
    }

    /// Like Alertmanager's group_wait: long enough for one reload, import or rule change to land in one
    /// message, short enough that people hear of a change within the minute.
    package static let defaultDigestSeconds = 30

    /// Whether notification `n` is routed here: some route matches, or there are no routes.
    package func accepts(_ n: Notification) -> Bool {
        routes.isEmpty || routes.contains { $0.matches(n) }
    }

    /// `receiver NAME (format)`: the URL and secret are never printed.
    package var description: String { "receiver \(name) (\(format.rawValue))" }
}

/// When a receiver's daily agenda goes: a local time (minutes after midnight) in a zone, on the
/// working days of a region's calendar (`RestDays.move`: none on a rest day; the first working day
/// after covers it, its "moved" section reaching back to the previous agenda) or every day (`fire`).
package struct AgendaSchedule: Sendable, Equatable {
    /// The local time it goes, as minutes after midnight.
    package var minutes: Int
    /// The zone that local time and the day are read in.
    package var zone: Zone
    /// The calendar whose rest days have no agenda (`cn`).
    package var region: String
    /// `move`: no agenda on a rest day of `region`; `fire`: every day.
    package var restDays: RestDays
    /// A schedule; by default on the working days of `cn`.
    package init(minutes: Int, zone: Zone, region: String = "cn", restDays: RestDays = .move) {
        self.minutes = minutes
        self.zone = zone
        self.region = region
        self.restDays = restDays
    }
    /// Equal schedules: `Zone` is compared by its identifier.
    package static func == (a: AgendaSchedule, b: AgendaSchedule) -> Bool {
        a.minutes == b.minutes && a.zone.identifier == b.zone.identifier && a.region == b.region && a.restDays == b.restDays
    }
}

extension Receiver {
    /// What this receiver's agenda may list: what its routes admit by entity and rule.
    package var agendaScope: AgendaScope {
        AgendaScope(routes: routes.map { AgendaScope.Admits(entities: $0.entities, rules: $0.rules) })
    }
}

/// A per-receiver rate limit: at most `perMinute` requests in any 60 s window, with up to `burst` sent
/// back to back. Implemented as a token bucket of `burst` tokens refilled at `perMinute - burst` a
/// minute: a full bucket plus a minute of refill is exactly `perMinute`, so a burst never pushes a
/// window over the platform's limit (DingTalk throttles a robot for 10 minutes when it is exceeded).
/// The price is a sustained rate of `perMinute - burst`, hence small default bursts.
package struct RateLimit: Sendable, Equatable {
    /// The most requests in any 60 s window, as the platform documents it.
    package var perMinute: Int
    /// How many may go back to back; the sustained rate is `perMinute - burst`.
    package var burst: Int

    /// A limit; obligd.json's values are checked when the receiver is read.
    package init(perMinute: Int, burst: Int) {
        self.perMinute = perMinute
        self.burst = burst
    }
}
