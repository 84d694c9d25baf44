import DeadlineKit
import Foundation
import Rules
import Store

/// How long and how often a failing delivery is retried before it is dead-lettered.
///
/// A delivery is given up only when it has had `maxAttempts` tries *and* has been failing for `maxAge`
/// since its first try. Both must be spent because either alone loses messages: a short burst of quick
/// failures would exhaust an attempt count, and a long outage at a capped backoff would exhaust an age
/// after few tries. Only the oldest pending message of a receiver is ever tried (per-receiver order), so
/// the messages queued behind it keep their whole budget: a receiver down for a day gets everything once
/// it is back, in order.
package struct RetryPolicy: Sendable, Equatable {
    /// Tries before a failing delivery may be given up (with `maxAge` also spent).
    package var maxAttempts: Int
    /// How long a delivery must have been failing, since its first try, before it may be given up.
    package var maxAge: Duration
    /// The wait after the first failure; it doubles with each further failure up to `maxBackoff`.
    package var initialBackoff: Duration
    /// The longest wait between tries, however many failures.
    package var maxBackoff: Duration

    /// A paused receiver's first probe comes after `probeInitial`; each failed probe doubles the wait
    /// up to `probeMax`, so a receiver fixed on the platform's side resumes within `probeMax` by itself
    /// (`obligctl receiver resume` or a reload probes at once).
    package var probeInitial: Duration
    /// The longest wait between probes of a paused receiver.
    package var probeMax: Duration

    /// The defaults: 12 tries over 48 hours, backoff 5 s to an hour, probes 30 s to 10 minutes.
    package init(
        maxAttempts: Int = 12, maxAge: Duration = .seconds(48 * 3600),
        initialBackoff: Duration = .seconds(5), maxBackoff: Duration = .seconds(3600),
        probeInitial: Duration = .seconds(30), probeMax: Duration = .seconds(600)
    ) {
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.probeInitial = probeInitial
        self.probeMax = probeMax
    }

    /// Milliseconds before the probe that follows `failedProbes` failed probes.
    package func probeDelay(_ failedProbes: Int) -> Int64 {
        let first = Backoff.millis(probeInitial), cap = Backoff.millis(probeMax)
        return min(cap, first << Int64(min(failedProbes, 30)))
    }
}

/// The delivery part of obligd.json: receivers, the retry policy and the journal's language.
///
/// ```json
/// { "receivers": [ { "name": "ops", "format": "dingtalk", "language": "zh-CN",
///                    "routes": [ { "severities": ["error", "warning"] } ] } ],
///   "delivery": { "maxAttempts": 12, "maxAgeHours": 48, "backoffInitialSeconds": 5,
///                 "backoffMaxSeconds": 3600, "probeInitialSeconds": 30, "probeMaxSeconds": 600,
///                 "digestSeconds": 30, "journalLanguage": "en" } }
/// ```
/// Credentials never sit in the file: a receiver's signing secret comes from `secretFile` (a path, or
/// the name of a systemd credential) or else `$CREDENTIALS_DIRECTORY/<name>.secret`; a chat platform's
/// URL, which carries its token, from `urlCredential` (same rules) or else
/// `$CREDENTIALS_DIRECTORY/<name>`.
package struct DeliveryConfiguration: Sendable {
    /// The configured receivers, in file order; names are unique.
    package var receivers: [Receiver]
    /// How failing deliveries are retried and paused receivers probed.
    package var retry: RetryPolicy
    /// The language of the journal's MESSAGE for each notification (`delivery.journalLanguage`).
    package var journalLanguage: Language
    /// Who is who on each platform, for `mentionOwner`: `"people": {"alice": {"dingtalk": "13800000000",
    /// "slack": "U024BE7LH"}}`; an entity whose owner is `alice` gets her mentioned.
    package var people: [String: [FormatName: String]] = [:]

    /// A configuration from parts; `load` reads obligd.json. The default has no receivers: the journal only.
    package init(receivers: [Receiver] = [], retry: RetryPolicy = RetryPolicy(), journalLanguage: Language = .en) {
        self.receivers = receivers
        self.retry = retry
        self.journalLanguage = journalLanguage
    }

    /// The receiver named `name`, or nil when none is configured with it.
    package func receiver(named name: String) -> Receiver? { receivers.first { $0.name == name } }

    /// Parses `obligd.json` from the configuration (absent: no receivers, default policy) and reads every
    /// receiver's credentials, so that a missing secret fails at startup or reload rather than at the
    /// first deadline.
    package static func load(
        _ configuration: Configuration,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> DeliveryConfiguration {
        guard let data = configuration.files["obligd.json"] else { return DeliveryConfiguration() }
        let label = configuration.label("obligd.json")
        return try parse(data, file: label, ruleIds: Set(configuration.rules.map(\.id)), environment: environment)
    }

    static func parse(
        _ data: Data, file: String, ruleIds: Set<String>, environment: [String: String]
    ) throws(ConfigError) -> DeliveryConfiguration {
        let root = try JSONObject.parse(data, file: file)
        // Other top-level keys (e.g. `reminders`) belong to other parts of obligd and are checked there.
        var result = DeliveryConfiguration()
        var digestSeconds = Receiver.defaultDigestSeconds
        if let d = try root.optionalObject("delivery") {
            try d.onlyKeys([
                "maxAttempts", "maxAgeHours", "backoffInitialSeconds", "backoffMaxSeconds", "probeInitialSeconds",
                "probeMaxSeconds", "journalLanguage", "digestSeconds"
            ])
            if let s = try d.optionalInt("digestSeconds", in: 0...86_400) { digestSeconds = s }
            var p = RetryPolicy()
            if let n = try d.optionalInt("maxAttempts", in: 1...1000) { p.maxAttempts = n }
            if let h = try d.optionalInt("maxAgeHours", in: 0...24 * 90) { p.maxAge = .seconds(h * 3600) }
            if let s = try d.optionalInt("backoffInitialSeconds", in: 1...3600) { p.initialBackoff = .seconds(s) }
            if let s = try d.optionalInt("backoffMaxSeconds", in: 1...86_400) { p.maxBackoff = .seconds(s) }
            guard p.maxBackoff >= p.initialBackoff else {
                throw d.error("backoffMaxSeconds", "must be at least backoffInitialSeconds")
            }
            if let s = try d.optionalInt("probeInitialSeconds", in: 1...3600) { p.probeInitial = .seconds(s) }
            if let s = try d.optionalInt("probeMaxSeconds", in: 1...86_400) { p.probeMax = .seconds(s) }
            guard p.probeMax >= p.probeInitial else {
                throw d.error("probeMaxSeconds", "must be at least probeInitialSeconds")
            }
            result.retry = p
            if let l = try d.optionalString("journalLanguage") { result.journalLanguage = try language(l, in: d, key: "journalLanguage") }
        }
        if let people = try root.optionalObject("people") {
            for name in people.values.keys.sorted() {
                let ids = try people.object(name)
                // "name" and "webRole": how the web view shows the person and what a person the
                // trusted proxy vouches for may do there (Rules' WebSettings reads them).
                try ids.onlyKeys(Set(FormatName.allCases.map(\.rawValue)).union(["name", "webRole"]))
                var byFormat: [FormatName: String] = [:]
                for format in FormatName.allCases where ids.has(format.rawValue) {
                    byFormat[format] = try mentionId(try ids.string(format.rawValue), in: ids, key: format.rawValue)
                }
                result.people[name] = byFormat
            }
        }
        guard root.has("receivers") else { return result }
        var names = Set<String>()
        for r in try root.objects("receivers", required: false) {
            let receiver = try parseReceiver(r, ruleIds: ruleIds, environment: environment, digestSeconds: digestSeconds)
            guard names.insert(receiver.name).inserted else {
                throw r.error("name", "receiver '\(receiver.name)' is defined twice")
            }
            result.receivers.append(receiver)
        }
        return result
    }

    static func language(_ code: String, in o: JSONObject, key: String) throws(ConfigError) -> Language {
        guard let l = Language(rawValue: code) else {
            throw o.error(key, "unknown language '\(code)'; use one of: \(Language.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return l
    }

    /// - Parameter digestSeconds: the digest window of receivers that set none (`delivery.digestSeconds`).
    static func parseReceiver(
        _ r: JSONObject, ruleIds: Set<String>, environment: [String: String],
        digestSeconds: Int = Receiver.defaultDigestSeconds
    ) throws(ConfigError) -> Receiver {
        if r.has("secret") {
            throw r.error(
                "secret",
                "secrets are not read from obligd.json; put the secret in a file and name it in secretFile, or pass it as the systemd credential <name>.secret"
            )
        }
        try r.onlyKeys([
            "name", "format", "url", "urlCredential", "secretFile", "language", "routes", "ratePerMinute", "burst", "timeoutSeconds",
            "digestSeconds", "mention", "mentionOwner", "agenda"
        ])
        let name = try r.string("name")
        guard name.range(of: #"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"#, options: .regularExpression) != nil else {
            throw r.error("name", "'\(name)' is not a valid receiver name; use 1-64 letters, digits, '.', '_' or '-'")
        }
        let formatText = try r.string("format")
        guard let format = FormatName(rawValue: formatText) else {
            throw r.error(
                "format", "unknown format '\(formatText)'; use one of: \(FormatName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let credentials = CredentialReader(environment: environment)

        // The URL.
        let url: Secret
        if r.has("url") {
            guard !format.urlIsCredential else {
                throw r.error(
                    "url",
                    "a \(format.rawValue) webhook URL carries its access token, so it must not be written in obligd.json; put it in a file and set urlCredential, or pass it as the systemd credential '\(name)'"
                )
            }
            guard !r.has("urlCredential") else { throw r.error("urlCredential", "give url or urlCredential, not both") }
            url = Secret(try r.string("url"))
        } else if let ref = try r.optionalString("urlCredential") {
            url = try credentials.read(ref, in: r, key: "urlCredential")
        } else if format.urlIsCredential {
            url = try credentials.read(name, in: r, key: "urlCredential", defaulted: true)
        } else {
            throw r.error("url", "missing (the webhook's http(s) URL)")
        }
        let key = r.has("url") ? "url" : "urlCredential"
        guard let parsed = URL(string: url.exposedValue), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = parsed.host, !host.isEmpty
        else {
            // Never echo the value: it may carry a token.
            throw r.error(key, "is not an http(s) URL")
        }

        // The secret.
        var secret: Secret?
        switch format.secretUse {
        case .none:
            if r.has("secretFile") {
                throw r.error("secretFile", "the \(format.rawValue) format does not sign requests; remove secretFile")
            }
        case .optional, .required:
            if let ref = try r.optionalString("secretFile") {
                secret = try credentials.read(ref, in: r, key: "secretFile")
            } else {
                secret = try credentials.readIfPresent("\(name).secret", in: r, key: "secretFile")
            }
            if format.secretUse == .required, secret == nil {
                throw r.error(
                    "secretFile",
                    "missing: a \(format.rawValue) receiver signs every request; give secretFile or the systemd credential '\(name).secret'"
                )
            }
        }
        if format == .standard, let s = secret {
            guard s.exposedValue.hasPrefix("whsec_"), let key = Data(base64Encoded: String(s.exposedValue.dropFirst(6))), !key.isEmpty
            else {
                throw r.error(
                    "secretFile", "a Standard Webhooks secret is 'whsec_' followed by base64 (e.g. whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw)")
            }
        }

        var language = format.defaultLanguage
        if let code = try r.optionalString("language") { language = try Self.language(code, in: r, key: "language") }

        var routes: [Route] = []
        for o in try r.objects("routes", required: false) { routes.append(try parseRoute(o, ruleIds: ruleIds)) }

        let perMinute = try r.optionalInt("ratePerMinute", in: 2...10_000) ?? format.defaultRatePerMinute
        let burst = try r.optionalInt("burst", in: 1...9_999) ?? min(format.defaultBurst, perMinute - 1)
        guard burst < perMinute else {
            throw r.error(
                "burst", "must be below ratePerMinute (\(perMinute)): a full burst plus a minute of refill may not exceed the limit")
        }
        let timeout = try r.optionalInt("timeoutSeconds", in: 1...120) ?? 10
        let digest = try r.optionalInt("digestSeconds", in: 0...86_400) ?? digestSeconds
        var agenda: AgendaSchedule?
        if let a = try r.optionalObject("agenda") {
            try a.onlyKeys(["at", "zone", "region", "restDays"])
            let text = try a.string("at")
            let parts = text.split(separator: ":")
            guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
                (0..<24).contains(h), (0..<60).contains(m)
            else {
                throw a.error("at", "'\(text)' is not a time of day; use HH:MM, e.g. 09:00")
            }
            let zoneText = try a.optionalString("zone") ?? Zone.defaultIdentifier
            let region = try a.optionalString("region") ?? "cn"
            var restDays = RestDays.move
            if let text = try a.optionalString("restDays") {
                guard let r = RestDays(rawValue: text) else {
                    throw a.error("restDays", "'\(text)' is not a rest-day rule; use move (no agenda on rest days, the default) or fire")
                }
                restDays = r
            }
            do throws(InputError) {
                agenda = AgendaSchedule(minutes: h * 60 + m, zone: try Zone(zoneText), region: region, restDays: restDays)
            } catch {
                throw a.error("zone", error.description)
            }
        }
        var mentions: [String] = []
        for (i, id) in try r.stringList("mention").enumerated() { mentions.append(try mentionId(id, in: r, key: "mention[\(i)]")) }
        return Receiver(
            name: name, format: format, url: url, secret: secret, language: language, routes: routes,
            rate: RateLimit(perMinute: perMinute, burst: burst), timeout: .seconds(timeout),
            digestWindow: digest == 0 ? nil : .seconds(digest), mentions: mentions,
            mentionOwner: try r.bool("mentionOwner", default: false), agenda: agenda)
    }

    /// A platform's user id or mobile number, as the platform writes it: nothing that could carry markup.
    static func mentionId(_ id: String, in o: JSONObject, key: String) throws(ConfigError) -> String {
        guard id.range(of: #"^[A-Za-z0-9_.@:+-]{1,128}$"#, options: .regularExpression) != nil else {
            throw o.error(key, "'\(id)' is not a user id or mobile number (letters, digits and _ . @ : + - only)")
        }
        return id
    }

    static func parseRoute(_ o: JSONObject, ruleIds: Set<String>) throws(ConfigError) -> Route {
        try o.onlyKeys(["entities", "rules", "stages", "severities", "kinds", "overdueFor"])
        var route = Route()
        if o.has("overdueFor") {
            let p = try o.period("overdueFor")
            if !p.isBackward, p.unit == .workingDays {
                route.overdueFor = .workingDays(p.amount)
            } else if !p.isBackward, let seconds = p.seconds ?? (p.unit == .days ? Int64(p.amount) * 86_400 : nil) {
                route.overdueFor = .seconds(seconds)
            } else {
                throw o.error(
                    "overdueFor", "use a time after the deadline in working days, days, hours or minutes, e.g. +2wd, +1d or +2h")
            }
        }
        route.entities = try o.stringList("entities")
        route.rules = try o.stringList("rules")
        for (i, rule) in route.rules.enumerated() where rule != "custom" && !ruleIds.contains(rule) {
            throw ConfigError(
                file: o.file, path: "\(o.at("rules"))[\(i)]",
                problem: "no rule '\(rule)' (use a rule id from obligctl rules list, or 'custom')")
        }
        for (i, stage) in try o.stringList("stages").enumerated() {
            do throws(InputError) { route.stages.append(try ReminderStageFilter(parsing: stage)) } catch {
                throw ConfigError(file: o.file, path: "\(o.at("stages"))[\(i)]", problem: error.description)
            }
        }
        for (i, s) in try o.stringList("severities").enumerated() {
            guard let sev = Severity(rawValue: s) else {
                throw ConfigError(
                    file: o.file, path: "\(o.at("severities"))[\(i)]",
                    problem: "unknown severity '\(s)'; use one of: \(Severity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            route.severities.append(sev)
        }
        for (i, k) in try o.stringList("kinds").enumerated() {
            guard let kind = NotificationKind(rawValue: k), kind != .digest else {
                throw ConfigError(
                    file: o.file, path: "\(o.at("kinds"))[\(i)]",
                    problem: "unknown kind '\(k)'; use one of: \(NotificationKind.outboxKinds.map(\.rawValue).joined(separator: ", "))")
            }
            route.kinds.append(kind)
        }
        return route
    }
}
