import DeadlineKit
import Foundation
import Store

/// Building the message for a receiver's head: the notification itself, or the digest of change
/// notices it is a member of.
extension Dispatcher {
    /// Members a digest names; the others are counted, with the command that lists them all.
    static let digestItems = 10

    /// When the change notices at the head of `receiver`'s change lane may go: a window after the head
    /// was queued (Alertmanager's group_wait). Closing a group takes every notice queued by then, so the
    /// next head was queued after the close and groups are at least a window apart (group_interval): a
    /// long recomputation gives one digest a window, not one per notice.
    func digestOpensAt(_ head: DeliveryHead, receiver: Receiver) -> Int64? {
        guard head.delivery.lane == .change, head.delivery.digest == nil, let window = receiver.digestWindow else { return nil }
        return head.delivery.createdAt + Backoff.millis(window)
    }

    /// Closes the receiver's current group: every pending change notice not yet in a digest joins one
    /// (a lone notice stays itself). Returns the head with its digest.
    func closeGroup(_ head: DeliveryHead, receiver: Receiver, now: Int64) async throws -> DeliveryHead {
        var h = head
        h.delivery.digest = try await leader.formDigest(receiver: receiver.name, now: now)
        return h
    }

    /// The message to send for `head` at `now` (epoch ms). Due and overdue reminders (and those hours
    /// or minutes before an instant deadline) @mention the receiver's people and, with `mentionOwner`,
    /// the entity's owner as `people` names them on this platform.
    func message(
        for head: DeliveryHead, receiver: Receiver, renderer: MessageRenderer, people: [String: [FormatName: String]],
        now: Int64
    ) async throws -> OutgoingMessage {
        let at = Instant(secondsSinceEpoch: now / 1000)
        guard let digest = head.delivery.digest else {
            let n = try Notification(outbox: head.outbox)
            if n.kind == .agenda {
                let content = try JSONDecoder().decode(AgendaContent.self, from: Data(n.payload.utf8))
                return OutgoingMessage(notification: n, rendered: renderer.renderAgenda(content, language: receiver.language))
            }
            var mentions: [String] = []
            if n.kind == .reminder, n.severity <= .warning {
                mentions = receiver.mentions
                if receiver.mentionOwner, let owner = head.entity?.owner, let id = people[owner]?[receiver.format], !mentions.contains(id) {
                    mentions.append(id)
                }
            }
            return OutgoingMessage(
                notification: n, rendered: renderer.render(n, entity: head.entity, language: receiver.language, now: at),
                mentions: mentions)
        }
        let content = try await store.digestContent(digest, receiver: receiver.name, limit: Self.digestItems)
        var members: [(Notification, Entity?)] = []
        var items: [Any] = []
        for (outbox, entity) in content.first {
            guard let n = try? Notification(outbox: outbox) else { continue }
            members.append((n, entity))
            items.append((try? JSONSerialization.jsonObject(with: Data(outbox.payload.utf8))) ?? [:])
        }
        // The standard format forwards this: the counts, the first members' payloads, and how to list all.
        let payload: [String: Any] = [
            "kind": NotificationKind.digest.rawValue, "digest": digest, "receiver": receiver.name, "count": content.count,
            "kinds": content.kinds, "items": items, "list": "obligctl outbox list --digest \(digest) --status all"
        ]
        let n = Notification(
            digest: digest, createdAt: head.delivery.createdAt / 1000,
            payload: String(decoding: try JSONBody.encode(payload), as: UTF8.self))
        return OutgoingMessage(
            notification: n, rendered: renderer.renderDigest(content, members: members, language: receiver.language, now: at))
    }
}
