/// Where an outbox row stands, before its deliveries do: written by the Recorder as `pending`, then
/// `dispatched` once journaled and routed to its receivers (each `delivery` row then has its own
/// `DeliveryStatus`), `invalid` when its payload cannot be read (kept, with the reason, for an
/// operator), or `dropped` by an operator before it was routed. Stored as its raw value.
package enum OutboxStatus: String, Codable, Sendable, CaseIterable {
    case pending, dispatched, invalid, dropped
}
