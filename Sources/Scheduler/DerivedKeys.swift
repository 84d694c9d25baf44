import Store

/// The obligations a re-derivation pass derived, by entity and trigger: what it keeps when it then
/// flags the open obligations the facts no longer give.
///
/// Why not a `Set<Recorder.DerivedKey>`: a rule change over a million events kept a million keys of
/// 48 bytes, and while the set grew the pass peaked at 239 MB (`VmHWM`). An event's obligation
/// belongs to the event's entity, so the event's id alone names it: 8 bytes. Other triggers (metric
/// crossings, recurrences, custom) are few and kept whole.
struct DerivedKeys: Sendable {
    private var events = Set<Int64>()
    private var others = Set<Recorder.DerivedKey>()

    /// How many keys are kept.
    var count: Int { events.count + others.count }

    mutating func insert(_ key: Recorder.DerivedKey) {
        if case let .event(id) = key.trigger { events.insert(id) } else { others.insert(key) }
    }

    mutating func formUnion(_ keys: some Sequence<Recorder.DerivedKey>) {
        for key in keys { insert(key) }
    }

    func contains(_ key: Recorder.DerivedKey) -> Bool {
        if case let .event(id) = key.trigger { return events.contains(id) }
        return others.contains(key)
    }
}
