/// What an audit row records, as its `action` column says it. Every row obligd writes names one of
/// these, so an auditor's question ("every acknowledgement") is one value, and a new kind of change is
/// a new case here, not a string typed at the call. Rows are read back as text: a row written by a
/// newer obligd with an action this version does not know still reads and verifies.
package enum AuditAction: String, Sendable, CaseIterable {
    // An obligation's life (the first four are its `NotificationKind`s too).
    case obligationOpened = "obligation.opened"
    case obligationMoved = "obligation.moved"
    case obligationDone = "obligation.done"
    case obligationWaived = "obligation.waived"
    case obligationReopened = "obligation.reopened"
    /// Its certificate was suspended or revoked: neither done nor waived, and reopened if reinstated.
    case obligationLapsed = "obligation.lapsed"
    /// Its rule or fact no longer gives it; flagged and left open for a person.
    case obligationUnderived = "obligation.underived"
    /// Opened although a condition of its rule was not stated by the fact (e.g. no severity).
    case obligationConditionUnstated = "obligation.condition-unstated"
    /// Derived again after a rule or calendar change without its due day moving.
    case obligationRecomputed = "obligation.recomputed"
    case obligationAcknowledged = "obligation.acknowledged"
    // Facts.
    case entityCreated = "entity.created"
    /// An entity attribute a rule may be conditioned on (`ciio`, `important_data`) was set or cleared.
    case entityAttributeSet = "entity.attribute-set"
    case eventRetracted = "event.retracted"
    case metricRetracted = "metric.retracted"
    case metricSuperseded = "metric.superseded"
    case classificationChanged = "classification.changed"
    /// Classified although an entity attribute the rule is conditioned on was not stated.
    case classificationConditionUnstated = "classification.condition-unstated"
    // Calendar feeds and the web view's access.
    case feedAdded = "feed.added"
    case feedRevoked = "feed.revoked"
    case webInvited = "web.invited"
    case webSignedIn = "web.signed-in"
    case webSignedOut = "web.signed-out"
    case webRevoked = "web.revoked"
    /// A file or reference added to an obligation as evidence; `after` holds its SHA-256.
    case evidenceAdded = "evidence.added"
    // Delivery: operators' decisions and what obligd decided about a receiver.
    case outboxDropped = "outbox.dropped"
    case deliveryRetry = "delivery.retry"
    case deliveryDropped = "delivery.dropped"
    case deliveryDead = "delivery.dead"
    case receiverPaused = "receiver.paused"
    /// An operator asked a paused receiver to be probed now (`obligctl receiver resume`).
    case receiverResumeRequested = "receiver.resume"
    /// A paused receiver accepted a message again.
    case receiverResumed = "receiver.resumed"

}
