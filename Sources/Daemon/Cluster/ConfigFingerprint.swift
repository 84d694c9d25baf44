import Crypto
import Foundation
import Rules
import Scheduler

/// What a node's configuration decides about deadlines (each calendar year's holidays and sources,
/// each rule's derivation), as 16 hex digits: nodes with the same fingerprint derive the same
/// obligations, so the cluster lets only nodes sharing the leader's lead (`LeaderLeases.acquire`).
enum ConfigFingerprint {
    static func of(_ config: Rules.Configuration) -> String {
        let lines = Recomputation.fingerprints(of: config).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\n" }
        let digest = SHA256.hash(data: Data(lines.joined().utf8))
        return digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }
}
