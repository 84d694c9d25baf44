import Crypto
import Foundation

/// The audit trail's hash chain: each row's hash covers the row and the hash of the row before it, so
/// a row edited, removed, inserted or reordered behind obligd's back breaks every hash after it.
/// Shared by Store (which writes the hashes) and obligctl (which verifies an exported trail without
/// trusting the daemon).
///
/// The algorithm, exactly (also in README.md):
/// `hash = lowercase hex of SHA-256(bytes)`, where `bytes` is the UTF-8 of `obligd-audit-v1` followed,
/// for each of `id, at, actor, action, subject, before, after, note, previous`, by a newline and then
/// `-` when the field is null, else its length in UTF-8 bytes in decimal, a colon and its UTF-8 bytes.
/// `id` and `at` (epoch seconds) are written in decimal; `previous` is the hash of the row before, or
/// 64 zeros for the first row.
package enum AuditChain {
    /// The `previous` of the first row.
    package static let genesis = String(repeating: "0", count: 64)

    /// The fields of one audit row that its hash covers.
    package struct Row: Sendable, Equatable {
        /// The row's id, written in decimal; Store gives each new row the id after its predecessor's.
        package var id: Int64
        /// When it was written, epoch seconds in decimal (not a formatted time, which could be written two ways).
        package var at: Int64
        /// Who made the change, as recorded (the socket peer's user, with any on-behalf-of name).
        package var actor: String
        /// What happened, e.g. `obligation.done`.
        package var action: String
        /// What it is about, e.g. `obligation:42`.
        package var subject: String
        /// The subject before, as stored text; nil (hashed as `-`) when there is none.
        package var before: String?
        /// The subject after, as stored text; nil when there is none.
        package var after: String?
        /// The note given with the change; nil when none.
        package var note: String?

        /// Builds a row from the stored fields, unchanged: any normalisation would change the hash.
        package init(
            id: Int64, at: Int64, actor: String, action: String, subject: String, before: String?, after: String?, note: String?
        ) {
            self.id = id
            self.at = at
            self.actor = actor
            self.action = action
            self.subject = subject
            self.before = before
            self.after = after
            self.note = note
        }
    }

    /// The hash of `row` chained to `previous`.
    package static func hash(_ row: Row, previous: String) -> String {
        var bytes: [UInt8] = Array("obligd-audit-v1".utf8)
        bytes.reserveCapacity(64 + (row.before?.utf8.count ?? 0) + (row.after?.utf8.count ?? 0) + (row.note?.utf8.count ?? 0))
        for field in [String(row.id), String(row.at), row.actor, row.action, row.subject, row.before, row.after, row.note, previous] {
            bytes.append(UInt8(ascii: "\n"))
            guard let field else {
                bytes.append(UInt8(ascii: "-"))
                continue
            }
            bytes.append(contentsOf: String(field.utf8.count).utf8)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: field.utf8)
        }
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for b in SHA256.hash(data: bytes) {
            hex.append(digits[Int(b >> 4)])
            hex.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Follows a chain row by row, so a verifier can take rows as they come (pages, a file, a
    /// database cursor): how many held and the hash the next row chains on.
    package struct Walk: Sendable {
        /// The hash the next row must chain on: the last taken row's, or the starting one.
        package private(set) var previous: String
        /// How many rows were taken so far, each holding.
        package private(set) var count = 0

        /// Starts at `genesis` for a whole trail, or at a known row's hash to verify from there on.
        package init(previous: String = genesis) { self.previous = previous }

        /// Takes the next row when `stored` is the hash its content and predecessor give; otherwise
        /// takes nothing and returns the hash it should have.
        package mutating func take(_ row: Row, stored: String?) -> String? {
            let expected = hash(row, previous: previous)
            guard stored == expected else { return expected }
            previous = expected
            count += 1
            return nil
        }
    }

    /// The first row, in order, whose stored hash is not the one its content and predecessor give;
    /// nil when the whole chain holds.
    package static func firstBroken(
        _ rows: some Sequence<(row: Row, hash: String)>, previous start: String = genesis
    )
        -> (row: Row, expected: String, stored: String)?
    {
        var walk = Walk(previous: start)
        for (row, stored) in rows {
            if let expected = walk.take(row, stored: stored) { return (row, expected, stored) }
        }
        return nil
    }
}
