import DeadlineKit
@testable import Delivery
import Foundation
import Testing

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
        #expect(n.stage == "overdue:2@2025-10-10")
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
        ("overdue:14@2025-10-10", .error, .reminderOverdue),
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
        #expect(n.messageClass.rawValue == kind)
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
        #expect(throws: NotificationError(outboxId: "n1", problem: "unknown kind 'reminded'; known: obligation.opened, obligation.moved, obligation.done, obligation.waived, obligation.reopened, reminder, delivery.failing")) {
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
