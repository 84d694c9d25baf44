import DeadlineKit
import Foundation
import Rules
import TestSupport
import Testing

@testable import Delivery

@Suite struct ReceiverConfigTests {
    func load(_ json: String, credentials: TempDir? = nil) throws -> DeliveryConfiguration {
        var env: [String: String] = [:]
        if let credentials { env["CREDENTIALS_DIRECTORY"] = credentials.path }
        return try DeliveryConfiguration.load(Embedded.configuration(obligdJSON: json), environment: env)
    }

    func error(_ json: String, credentials: TempDir? = nil) -> ConfigError? {
        do {
            _ = try load(json, credentials: credentials)
            return nil
        } catch let e as ConfigError {
            return e
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func theShippedDefaultHasNoReceiversAndTheDefaultPolicy() throws {
        let d = try DeliveryConfiguration.load(Embedded.configuration, environment: [:])
        #expect(d.receivers.isEmpty)
        #expect(d.retry == RetryPolicy())
        #expect(d.journalLanguage == .en)
    }

    @Test func readsReceiversWithCredentialsFromTheCredentialsDirectory() throws {
        let creds = try TempDir()
        _ = try creds.write("ops", "https://oapi.dingtalk.com/robot/send?access_token=abc\n")
        _ = try creds.write("ops.secret", "SECdeadbeef\n")
        let secretPath = try creds.write("hooks-key", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let d = try load(
            """
            {"receivers": [
              {"name": "ops", "format": "dingtalk", "routes": [{"severities": ["error", "warning"], "stages": ["overdue", "due"]}]},
              {"name": "hooks", "format": "standard", "url": "https://example.test/hook", "secretFile": "\(secretPath)", "language": "zh-CN",
               "ratePerMinute": 30, "burst": 5, "timeoutSeconds": 3}
            ], "delivery": {"maxAttempts": 5, "maxAgeHours": 6, "backoffInitialSeconds": 2, "backoffMaxSeconds": 60, "journalLanguage": "zh-CN"}}
            """, credentials: creds)
        let ops = try #require(d.receiver(named: "ops"))
        #expect(ops.format == .dingtalk)
        #expect(ops.url.exposedValue == "https://oapi.dingtalk.com/robot/send?access_token=abc")
        #expect(ops.secret?.exposedValue == "SECdeadbeef")
        #expect(ops.language == .zhCN)
        #expect(ops.rate == RateLimit(perMinute: 20, burst: 2), "DingTalk: 18 a minute sustained, one token kept for reminders")
        #expect(ops.routes == [Route(stages: [.family(.overdue), .family(.due)], severities: [.error, .warning])])
        let hooks = try #require(d.receiver(named: "hooks"))
        #expect(hooks.secret?.exposedValue == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(hooks.language == .zhCN)
        #expect(hooks.rate == RateLimit(perMinute: 30, burst: 5))
        #expect(hooks.timeout == .seconds(3))
        #expect(d.retry == RetryPolicy(maxAttempts: 5, maxAge: .seconds(6 * 3600), initialBackoff: .seconds(2), maxBackoff: .seconds(60)))
        #expect(d.journalLanguage == .zhCN)
    }

    @Test func secretsNeverShowInDescriptions() throws {
        let creds = try TempDir()
        _ = try creds.write("ops", "https://oapi.dingtalk.com/robot/send?access_token=TOPSECRET")
        _ = try creds.write("ops.secret", "SECTOPSECRET")
        let r = try #require(try load(#"{"receivers": [{"name": "ops", "format": "dingtalk"}]}"#, credentials: creds).receivers.first)
        for text in [
            String(describing: r), String(reflecting: r), "\(r.url) \(String(describing: r.secret))",
            {
                var s = ""
                dump(r, to: &s)
                return s
            }()
        ] {
            #expect(!text.contains("TOPSECRET"), "leaked in: \(text)")
        }
    }

    /// `overdueFor: "+2wd"` escalates after two working days late: a deadline on the Friday before a
    /// holiday is not escalated over the holiday, however many calendar days pass.
    @Test func escalationInWorkingDays() throws {
        let creds = try TempDir()
        _ = try creds.write("hook", "https://hooks.slack.com/services/T/B/x")
        let d = try load(
            #"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "routes": [{"overdueFor": "+2wd"}]}]}"#,
            credentials: creds)
        let route = try #require(d.receivers.first?.routes.first)
        #expect(route.overdueFor == .workingDays(2))
        let due: Int64 = 1_760_112_000
        func overdue(_ n: Int, days: Int64, working: Int?) throws -> Delivery.Notification {
            try Delivery.Notification(
                id: "\(n)", createdAt: 0,
                payload: payload(stage: "overdue:\(n)", scheduledAt: due + days * 86_400, lateWorkingDays: working))
        }
        #expect(!route.matches(try overdue(9, days: 9, working: 1)), "nine days late, one of them a working day")
        #expect(route.matches(try overdue(10, days: 10, working: 2)))
        #expect(!route.matches(try overdue(1, days: 1, working: nil)), "an instant deadline: a day per working day")
        #expect(route.matches(try overdue(3, days: 2, working: nil)))
        let backward = #"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "routes": [{"overdueFor": "-2wd"}]}]}"#
        #expect(error(backward, credentials: creds)?.path == "receivers[0].routes[0].overdueFor")
    }

    @Test func routesMatchOnEntityRuleStageSeverityAndKind() throws {
        let overdue = try Delivery.Notification(id: "1", createdAt: 0, payload: payload(stage: "overdue:3@2025-10-10"))
        let upcoming = try Delivery.Notification(id: "2", createdAt: 0, payload: payload(stage: "before:-7d"))
        let opened = try Delivery.Notification(id: "3", createdAt: 0, payload: payload(kind: "obligation.opened", rule: "", stage: nil))
        let other = try Delivery.Notification(id: "4", createdAt: 0, payload: payload(entity: "globex", stage: "due"))
        #expect(Route().matches(opened))
        #expect(Route(stages: [.family(.overdue)]).matches(overdue))
        #expect(!Route(stages: [.family(.overdue)]).matches(upcoming))
        #expect(!Route(stages: [.family(.overdue)]).matches(opened), "a stage route takes reminders only")
        #expect(Route(stages: [.stage(.overdue(3))]).matches(overdue))
        #expect(!Route(stages: [.stage(.overdue(1))]).matches(overdue))
        #expect(Route(stages: [.stage(.before(Period(amount: -7, unit: .days)))]).matches(upcoming))
        #expect(!Route(stages: [.stage(.before(Period(amount: -7, unit: .workingDays)))]).matches(upcoming))
        #expect(Route(severities: [.error]).matches(overdue))
        #expect(!Route(severities: [.error]).matches(upcoming))
        #expect(Route(entities: ["globex"]).matches(other))
        #expect(!Route(entities: ["globex"]).matches(overdue))
        #expect(Route(rules: ["custom"]).matches(opened))
        #expect(!Route(rules: ["custom"]).matches(overdue))
        #expect(Route(kinds: [.opened]).matches(opened))
        #expect(!Route(entities: ["acme"], severities: [.error]).matches(upcoming), "all lists of a route must match")
        let r = Receiver(
            name: "x", format: .slack, url: Secret("https://x"), secret: nil, language: .en,
            routes: [Route(severities: [.error]), Route(kinds: [.opened])])
        #expect(r.accepts(overdue) && r.accepts(opened) && !r.accepts(upcoming))
    }

    @Test func errorsNameTheFileAndKey() throws {
        let creds = try TempDir()
        _ = try creds.write("s", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let file = "obligd.json (embedded)"
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "slack", "urll": "x"}]}"#)
                == ConfigError(
                    file: file, path: "receivers[0].urll",
                    problem:
                        "unknown key 'urll'; known keys here: agenda, burst, digestSeconds, format, language, mention, mentionOwner, name, ratePerMinute, routes, secretFile, timeoutSeconds, url, urlCredential"
                ))
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "wecom", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"}]}"#)?
                .path == "receivers[0].url")
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "standard", "url": "https://x.test", "secret": "whsec_abc"}]}"#)?.problem
                .hasPrefix("secrets are not read from obligd.json") == true)
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "standard", "url": "https://x.test"}]}"#)
                == ConfigError(
                    file: file, path: "receivers[0].secretFile",
                    problem: "missing: a standard receiver signs every request; give secretFile or the systemd credential 'a.secret'"))
        let notWhsec = try creds.write("bad", "hunter2")
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "standard", "url": "https://x.test", "secretFile": "\#(notWhsec)"}]}"#)?.path
                == "receivers[0].secretFile")
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "standard", "url": "ftp://x.test", "secretFile": "s"}]}"#, credentials: creds)
                == ConfigError(file: file, path: "receivers[0].url", problem: "is not an http(s) URL"))
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "fax"}]}"#)?.problem
                == "unknown format 'fax'; use one of: standard, dingtalk, feishu, wecom, slack, teams")
        #expect(error(#"{"receivers": [{"name": "a", "format": "slack"}]}"#)?.problem.contains("CREDENTIALS_DIRECTORY") == true)
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "/nonexistent/url"}]}"#)
                == ConfigError(file: file, path: "receivers[0].urlCredential", problem: "/nonexistent/url does not exist"))
        _ = try creds.write("hook", "https://hooks.slack.com/services/T/B/X")
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "secretFile": "s"}]}"#, credentials: creds)?
                .problem
                == "the slack format does not sign requests; remove secretFile")
        #expect(
            error(
                #"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "routes": [{"severities": ["urgent"]}]}]}"#,
                credentials: creds)
                == ConfigError(
                    file: file, path: "receivers[0].routes[0].severities[0]",
                    problem: "unknown severity 'urgent'; use one of: error, warning, notice, info"))
        #expect(
            error(
                #"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "routes": [{"rules": ["cn.nope"]}]}]}"#,
                credentials: creds)?.path
                == "receivers[0].routes[0].rules[0]")
        #expect(
            error(
                #"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "routes": [{"stages": ["soon"]}]}]}"#,
                credentials: creds)?.path
                == "receivers[0].routes[0].stages[0]")
        // A typo that loaded and never matched: a before-stage is a time before the deadline.
        let typo = error(
            #"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "routes": [{"stages": ["due", "before:7d"]}]}]}"#,
            credentials: creds)
        #expect(typo?.path == "receivers[0].routes[0].stages[1]")
        #expect(typo?.problem.contains("'before:7d' is not a time before the deadline (write -7d)") == true, "\(String(describing: typo))")
        #expect(
            error(
                #"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "ratePerMinute": 10, "burst": 10}]}"#,
                credentials: creds)?.path
                == "receivers[0].burst")
        #expect(
            error(#"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook", "language": "fr"}]}"#, credentials: creds)?
                .problem
                == "unknown language 'fr'; use one of: en, zh-CN")
        #expect(
            error(
                #"{"receivers": [{"name": "a", "format": "slack", "urlCredential": "hook"}, {"name": "a", "format": "slack", "urlCredential": "hook"}]}"#,
                credentials: creds)?.problem
                == "receiver 'a' is defined twice")
        #expect(
            error(#"{"delivery": {"maxAttempts": 0}}"#)
                == ConfigError(file: file, path: "delivery.maxAttempts", problem: "0 is out of range; use 1...1000"))
        #expect(error(#"{"receivers": {}}"#)?.problem == "expected a list [ ... ]")
    }
}

/// A secret or chat URL pasted where a path or credential name belongs is never echoed (#13, part 6).
@Suite struct PastedSecretTests {
    func message(_ receiver: String, env: [String: String] = [:]) -> String {
        do {
            _ = try DeliveryConfiguration.load(
                Embedded.configuration(obligdJSON: #"{"receivers": [\#(receiver)]}"#), environment: env)
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        #"{"name": "h", "format": "standard", "url": "http://127.0.0.1:9/h", "secretFile": "whsec_MfKQ9r8GKY/qrTwjUPD8ILPZIo2LaLaSw"}"#,
        #"{"name": "h", "format": "standard", "url": "http://127.0.0.1:9/h", "secretFile": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}"#,
        #"{"name": "d", "format": "dingtalk", "urlCredential": "https://oapi.dingtalk.com/robot/send?access_token=MfKQ9r8GKYqrTwjUPD8ILPZIo2"}"#,
        #"{"name": "d", "format": "dingtalk", "urlCredential": "/robot/send?access_token=MfKQ9r8GKYqrTwjUPD8ILPZIo2"}"#
    ])
    func aPastedSecretIsNotEchoed(receiver: String) {
        let text = message(receiver)
        #expect(text != "accepted")
        #expect(!text.contains("MfKQ9r8GKY"), "\(text)")
        #expect(text.contains("characters, not shown"), "\(text)")
    }
}
