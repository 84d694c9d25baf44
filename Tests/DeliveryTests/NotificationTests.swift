import DeadlineKit
import Foundation
import Store
import Testing

@testable import Delivery

@Suite struct NotificationTests {
    func decode(_ p: String) throws -> Delivery.Notification {
        try Delivery.Notification(id: "n1", createdAt: 10, payload: p)
    }

    @Test func decodesAReminderWithEveryField() throws {
        let n = try decode(payload(stage: "overdue:2@2025-10-10", late: true, scheduledAt: 1_760_000_000))
        #expect(n.kind == .reminder)
        #expect(n.obligation == 1)
        #expect(n.entity == "acme")
        #expect(n.rule == "cn.pipo.report")
        #expect(n.due == "2025-10-10")
        #expect(n.dueInstant == 1_760_112_000)
        #expect(n.provisional == false)
        #expect(n.stage == .overdue(2), "the ledger key's @day is not part of the stage")
        #expect(n.stageName == "overdue:2")
        #expect(n.overdueIndex == 2)
        #expect(n.late)
        #expect(n.scheduledAt == 1_760_000_000)
    }

    @Test func decodesAMoveWithFromAndReason() throws {
        let n = try decode(payload(kind: "obligation.moved", stage: nil, from: "2025-10-01", reason: "metric reported late"))
        #expect(n.kind == .moved)
        #expect(n.from == "2025-10-01")
        #expect(n.reason == "metric reported late")
        #expect(n.stage == nil)
    }

    @Test(arguments: [
        ("before:-30d", Severity.notice, MessageClass.reminderUpcoming),
        ("before:-1d", .notice, .reminderUpcoming),
        ("before:-5min", .warning, .reminderUpcoming),
        ("before:-2h", .warning, .reminderUpcoming),
        ("due", .warning, .reminderDue),
        ("due@2025-10-10", .warning, .reminderDue),
        ("overdue:1", .error, .reminderOverdue),
        ("overdue:14@2025-10-10", .error, .reminderOverdue)
    ])
    func reminderSeverityAndClassFollowTheStage(stage: String, severity: Severity, cls: MessageClass) throws {
        let n = try decode(payload(stage: stage))
        #expect(n.severity == severity)
        #expect(n.messageClass == cls)
    }

    @Test(arguments: ["obligation.opened", "obligation.moved", "obligation.done", "obligation.waived", "obligation.reopened"])
    func obligationChangesAreInfo(kind: String) throws {
        let n = try decode(payload(kind: kind, stage: nil))
        #expect(n.severity == .info)
        #expect(n.messageClass?.rawValue == kind)
    }

    @Test func messageIDsAreDistinct128BitHex() {
        let ids = MessageClass.allCases.map(\.messageID)
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(id.count == 32)
            #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
    }

    @Test func rejectsBadPayloadsWithTheReason() {
        #expect(throws: NotificationError(outboxId: "n1", problem: "payload is not valid JSON")) { try decode("{nope") }
        #expect(
            throws: NotificationError(
                outboxId: "n1",
                problem:
                    "unknown kind 'reminded'; known: obligation.opened, obligation.moved, obligation.done, obligation.waived, obligation.reopened, obligation.lapsed, obligation.underived, reminder, classification.began, classification.ended, delivery.failing, agenda"
            )
        ) {
            try decode(#"{"kind":"reminded"}"#)
        }
        #expect(throws: NotificationError(outboxId: "n1", problem: "a reminder needs 'stage'")) {
            try decode(payload(stage: nil))
        }
        #expect(throws: NotificationError(outboxId: "n1", problem: "'provisional' is not true or false")) {
            try decode(payload().replacingOccurrences(of: "\"provisional\":false", with: "\"provisional\":0"))
        }
        #expect(throws: NotificationError(outboxId: "n1", problem: "missing 'dueInstant' (a whole number)")) {
            try decode(payload().replacingOccurrences(of: "\"dueInstant\":1760112000,", with: ""))
        }
        #expect(throws: NotificationError(outboxId: "n1", problem: "due '2025-13-01' is not a YYYY-MM-DD day")) {
            try decode(payload(due: "2025-13-01"))
        }
    }
}

/// The payload's shape is written by `Store.OutboxPayload` and read by `Delivery.Notification`: every
/// kind the recorder writes must come back field for field.
@Suite struct OutboxPayloadRoundTripTests {
    let obligation = Store.Obligation(
        id: 42, entityId: "acme", ruleId: "cn.pipo.report", title: "Report the PI protection officer",
        triggerKey: .metric("pi_individuals", crossing: 1), start: .day(try! CivilDate(parsing: "2025-09-01")),
        period: try! Period(parsing: "+30wd"), roll: nil, due: try! CivilDate(parsing: "2025-10-20"),
        dueInstant: 1_760_976_000, calendars: CalendarList([]), provisional: true, status: .open, nextStageIndex: nil,
        nextReminderAt: nil, closedOn: nil, closedNote: nil, createdAt: 0, updatedAt: 0)

    func roundTrip(_ kind: NotificationKind, _ detail: OutboxPayload.Detail) throws -> Delivery.Notification {
        try Delivery.Notification(id: "o-42", createdAt: 5, payload: OutboxPayload(kind: kind, obligation: obligation, detail: detail).json)
    }

    @Test func everyKindTheRecorderWritesIsReadBack() throws {
        for kind in NotificationKind.outboxKinds where kind != .deliveryFailing && kind != .agenda {
            let n = try roundTrip(
                kind,
                kind == .reminder ? .init(stage: "due", stageKey: "due@2025-10-20", late: false, scheduledAt: 1, collapsed: 0) : .init())
            #expect(n.kind == kind)
            #expect(n.obligation == 42 && n.entity == "acme" && n.rule == "cn.pipo.report")
            #expect(n.title == "Report the PI protection officer")
            #expect(n.due == "2025-10-20" && n.dueInstant == 1_760_976_000)
            #expect(n.provisional && n.status == "open")
        }
    }

    @Test func aLateCollapsedReminderAndAMoveKeepTheirDetail() throws {
        let r = try roundTrip(
            .reminder, .init(stage: "overdue:2", stageKey: "overdue:2@2025-10-22", late: true, scheduledAt: 1_761_094_800, collapsed: 2))
        #expect(r.stageName == "overdue:2" && r.overdueIndex == 2)
        #expect(r.late && r.scheduledAt == 1_761_094_800)
        let m = try roundTrip(.moved, .init(from: "2025-10-17", reason: "calendar cn/2025 v2 published"))
        #expect(m.from == "2025-10-17" && m.reason == "calendar cn/2025 v2 published")
        #expect(m.stage == nil && !m.late)
    }
}
