import Foundation
@testable import Store
import Testing

/// The outbox payload is the contract between the recorder and delivery; the `standard` webhook
/// format forwards its bytes unchanged, so they must be stable.
@Suite struct OutboxPayloadTests {
    let obligation = Obligation(id: 7, entityId: "acme", ruleId: nil, title: "File \"A/B\"", triggerKey: "custom:1", start: "2025-06-03",
                                period: "+30wd", roll: nil, due: "2025-07-15", dueInstant: 1_752_595_200, calendars: "[]", provisional: true,
                                status: .open, nextStageIndex: nil, nextReminderAt: nil, closedOn: nil, closedNote: nil, createdAt: 0, updatedAt: 0)

    func encoded(_ p: OutboxPayload) throws -> String { String(decoding: try OutboxPayload.encoder.encode(p), as: UTF8.self) }

    @Test func aReminderPayloadHasSortedKeysAndOnlyTheFieldsOfItsKind() throws {
        let p = OutboxPayload(kind: "reminder", obligation: obligation,
                              detail: .init(stage: "before:-7d", stageKey: "before:-7d@2025-07-15", late: false, scheduledAt: 1_751_936_400, collapsed: 0))
        #expect(try encoded(p) == #"{"collapsed":0,"due":"2025-07-15","dueInstant":1752595200,"entity":"acme","kind":"reminder","late":false,"obligation":7,"provisional":true,"rule":"","scheduledAt":1751936400,"stage":"before:-7d","stageKey":"before:-7d@2025-07-15","status":"open","title":"File \"A/B\""}"#)
    }

    @Test func aMovePayloadCarriesWhereFromAndWhy() throws {
        let p = OutboxPayload(kind: "obligation.moved", obligation: obligation, detail: .init(from: "2025-07-14", reason: "calendar cn/2025 v2 published"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(try encoded(p).utf8)) as? [String: Any])
        #expect(object["from"] as? String == "2025-07-14")
        #expect(object["reason"] as? String == "calendar cn/2025 v2 published")
        #expect(object["stage"] == nil && object["late"] == nil)
    }
}
