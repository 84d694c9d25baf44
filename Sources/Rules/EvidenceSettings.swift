import Foundation

/// obligd.json's `evidence` section: `{"evidence": {"maxFileBytes": 20971520, "maxPerObligationBytes":
/// 104857600}}`, how large one evidence file and all of one obligation's files may be. Why limits:
/// evidence lives in the database (so backups, `migrate` and a cluster carry it) and is never
/// removed, so a mistaken 2 GB upload would stay for as long as its obligation. Read here, in Rules,
/// with the rest of obligd.json, so a bad value is refused at load naming the key.
package struct EvidenceSettings: Sendable, Equatable {
    /// 20 MiB: a scanned receipt or a signed PDF report, with room to spare.
    package static let defaultMaxFileBytes = 20 << 20
    /// 100 MiB: five such files per obligation.
    package static let defaultMaxPerObligationBytes = 100 << 20
    /// The most either limit may be set to (1 GiB): one API request carries at most 64 MiB anyway.
    static let ceiling = 1 << 30

    /// The largest file taken, in bytes.
    package var maxFileBytes: Int
    /// The most all files of one obligation may add up to, in bytes.
    package var maxPerObligationBytes: Int

    /// Limits as given, defaults otherwise; `parse` checks that one file fits within the per-obligation limit.
    package init(maxFileBytes: Int = defaultMaxFileBytes, maxPerObligationBytes: Int = defaultMaxPerObligationBytes) {
        self.maxFileBytes = maxFileBytes
        self.maxPerObligationBytes = maxPerObligationBytes
    }

    /// Reads the section from obligd.json's text; defaults where it or a key is absent.
    static func parse(_ data: Data, file label: String) throws(ConfigError) -> EvidenceSettings {
        var settings = EvidenceSettings()
        guard let section = try JSONObject.parse(data, file: label).optionalObject("evidence") else { return settings }
        try section.onlyKeys(["maxFileBytes", "maxPerObligationBytes"], exceptPrefix: "$comment")
        if let n = try section.optionalInt("maxFileBytes", in: 1...ceiling) { settings.maxFileBytes = n }
        if let n = try section.optionalInt("maxPerObligationBytes", in: 1...ceiling) { settings.maxPerObligationBytes = n }
        guard settings.maxFileBytes <= settings.maxPerObligationBytes else {
            throw section.error(
                "maxFileBytes",
                "\(settings.maxFileBytes) is more than maxPerObligationBytes (\(settings.maxPerObligationBytes)); "
                    + "raise maxPerObligationBytes or lower maxFileBytes")
        }
        return settings
    }
}
