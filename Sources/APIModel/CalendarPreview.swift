/// `POST /v1/calendar/preview`: what obligd would do with a calendar file if it were loaded now.
///
/// Why: `obligctl calendar import-notice` shows the operator which open deadlines a new holiday
/// notice moves before the operator reloads obligd; nothing is written to see it.
package struct CalendarPreview: Codable, Sendable, Equatable {
    /// The year as obligd has it now and as the file would make it (source, version, notice).
    package var current: String
    /// The year as the file would make it (source, version, notice), to compare with `current`.
    package var candidate: String
    /// Open obligations whose due day rests on a year the file changes: those a reload recomputes.
    package var examined: Int
    /// Those whose due day would move: how many, and the first `limit` of them.
    package var moved: Int
    /// The first `limit` of the moves, each with its day now and under the file.
    package var moves: [CalendarPreviewMove]
    /// Those that would keep their day and only stop (or start) being provisional.
    package var confirmed: Int
    /// Where obligd reads its configuration; nil when it runs on the embedded defaults alone, where a
    /// file written elsewhere is never loaded.
    package var configDirectory: String?

    /// Builds the answer; the counts default to 0 for a file that changes no year an obligation rests on.
    package init(
        current: String, candidate: String, examined: Int = 0, moved: Int = 0, moves: [CalendarPreviewMove] = [], confirmed: Int = 0,
        configDirectory: String?
    ) {
        self.current = current
        self.candidate = candidate
        self.examined = examined
        self.moved = moved
        self.moves = moves
        self.confirmed = confirmed
        self.configDirectory = configDirectory
    }
}

/// One open obligation whose due day a calendar file would move.
package struct CalendarPreviewMove: Codable, Sendable, Equatable {
    /// The obligation's row id.
    package var id: Int64
    /// The entity's id it is for.
    package var entity: String
    /// The rule that gave it; nil for a custom obligation.
    package var rule: String?
    /// Its title, as reminders show it.
    package var title: String
    /// The due day now and under the file.
    package var from: String
    /// The due day (YYYY-MM-DD) the file would give it.
    package var to: String
    /// Whether the new day would still be provisional (it rests on another estimated year).
    package var provisional: Bool

    /// Filled by the calendar preview route; obligctl only decodes it.
    package init(id: Int64, entity: String, rule: String?, title: String, from: String, to: String, provisional: Bool) {
        self.id = id
        self.entity = entity
        self.rule = rule
        self.title = title
        self.from = from
        self.to = to
        self.provisional = provisional
    }
}
