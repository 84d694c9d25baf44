/// Where an obligation stands, as Store keeps it, the API and `--json` print it and the web view
/// and audit pack show it: one type from the database row to the wire, so no layer compares a
/// status as text.
package enum ObligationStatus: String, Codable, Sendable, CaseIterable {
    /// Still to be done; reminders run.
    case open
    /// Closed by a person as done (on time or late, by its closing day).
    case done
    /// Closed by a person as not applying, with the reason in its audit row.
    case waived
    /// Ended by an event (a certificate suspended or revoked): the duty no longer runs though
    /// nobody did or waived it; lifting a suspension reopens it.
    case lapsed
}
