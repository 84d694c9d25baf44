import DeadlineKit
import Foundation

/// Everything obligd reads from `config/`: calendars per region and rule packs.
///
/// The defaults are compiled in; a configuration directory overlays them file by file (same relative
/// path replaces, new paths add), so an operator can drop in `calendars/cn/2027.json` and nothing else.
package struct Configuration: Sendable {
    /// The calendar years a calendar file or holiday notice may decide; outside them a file is refused.
    package static let supportedYears = 2008...2099

    /// Each region's working calendar (`cn`, ...), built from its year files and the estimate for the rest.
    package var calendars: [String: WorkingCalendar]
    /// The rule packs in load order; setting them re-indexes `rules`.
    package var packs: [RulePack] { didSet { indexRules() } }
    /// The origin of a file obligd carries in its binary (`config/`, embedded by scripts/embed-config).
    package static let embeddedOrigin = "embedded"

    /// How an error names the file at `path` given its `origin`: the absolute path it was read from,
    /// or `path (embedded)` for a built-in file. One place, so every config error names files alike.
    package static func label(_ path: String, origin: String?) -> String {
        guard let origin, origin != embeddedOrigin else { return "\(path) (embedded)" }
        return origin
    }

    /// How an error names the file at `path` of this configuration.
    package func label(_ path: String) -> String { Self.label(path, origin: sources[path]) }

    /// Relative path -> where it was read from ("embedded" or an absolute path).
    package var sources: [String: String]
    /// Every file read, by relative path, for subsystems that parse their own files (templates, obligd.json).
    package var files: [String: Data] = [:]
    /// Per-rule and per-entity reminder overrides from obligd.json.
    package var reminders = ReminderSettings()
    /// obligd.json's `web` and the people's names (`WebSettings`), read with the rest at load.
    package var web = WebSettings()
    /// obligd.json's `evidence` limits (`EvidenceSettings`), read with the rest at load.
    package var evidence = EvidenceSettings()

    /// Every pack's rules, kept with an index by id: deriving and arming a million obligations looks a
    /// rule up for each, and flattening the packs every time showed in profiles.
    package private(set) var rules: [Rule] = []
    private var ruleIndex: [String: Int] = [:]

    /// Every metric the packs know, for validating reports.
    package var knownMetrics: Set<String> = []

    /// A configuration from parts already read; `load` is the usual way, tests build one directly.
    package init(
        calendars: [String: WorkingCalendar], packs: [RulePack], sources: [String: String], files: [String: Data] = [:],
        reminders: ReminderSettings = ReminderSettings(), knownMetrics: Set<String> = []
    ) {
        self.calendars = calendars
        self.packs = packs
        self.sources = sources
        self.files = files
        self.reminders = reminders
        self.knownMetrics = knownMetrics
        indexRules()
    }

    /// The metrics a classification rule reads: reports of these keep an entity's classifications current.
    package private(set) var classifiedMetrics: Set<String> = []

    private mutating func indexRules() {
        rules = packs.flatMap(\.rules)
        classifiedMetrics = Set(
            rules.compactMap { r in
                guard r.kind == .classification, case let .metric(name, _, _) = r.trigger else { return nil }
                return name
            })
        ruleIndex = [:]
        // The first rule with an id wins, as a linear search would (packs are checked for duplicates on load).
        for (i, rule) in rules.enumerated() where ruleIndex[rule.id] == nil { ruleIndex[rule.id] = i }
    }

    /// The rule with `id`, or nil when no pack has it (a rule removed since an obligation was derived).
    package func rule(_ id: String) -> Rule? { ruleIndex[id].map { rules[$0] } }

    /// A compiled-in default file, for subsystems that complete an operator's older copy of it.
    package static func embeddedFile(_ path: String) -> Data? { EmbeddedConfig.files[path].map { Data($0.utf8) } }

    /// Region `region`'s calendar; an unknown region is an error listing the known ones.
    package func calendar(_ region: String) throws(ConfigError) -> WorkingCalendar {
        guard let c = calendars[region] else {
            throw ConfigError(
                file: "calendars/\(region)", path: "",
                problem: "no calendar for region '\(region)'; known: \(calendars.keys.sorted().joined(separator: ", "))")
        }
        return c
    }

    /// The sections of obligd.json, each read by the part of obligd it configures (`reminders` here,
    /// `receivers`, `delivery` and `people` by Delivery, `access` and `database` by the daemon, `web` by Web). Listed
    /// in one place so that a misspelled section ("reciever") is refused, not silently ignored.
    static let mainSections: Set<String> = ["receivers", "delivery", "people", "reminders", "access", "database", "web", "evidence"]

    /// Loads the embedded defaults overlaid with `directory` (if given). Any bad file fails the whole load.
    package static func load(directory: String?) throws(ConfigError) -> Configuration {
        var files: [String: (data: Data, origin: String)] = [:]
        for (path, text) in EmbeddedConfig.files { files[path] = (Data(text.utf8), Self.embeddedOrigin) }
        if let directory {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
                throw ConfigError(
                    file: directory, path: "",
                    problem: "configuration directory does not exist (create it, or leave out --config and OBLIGD_CONFIG "
                        + "to run on the embedded defaults)")
            }
            let root = URL(fileURLWithPath: directory)
            for sub in ["calendars", "rules", "templates"] {
                for rel in try jsonFiles(under: root.appendingPathComponent(sub).path) {
                    let full = root.appendingPathComponent(sub).appendingPathComponent(rel).path
                    guard let data = FileManager.default.contents(atPath: full) else {
                        throw ConfigError(file: full, path: "", problem: "cannot read the file (check its permissions)")
                    }
                    files["\(sub)/\(rel)"] = (data, full)
                }
            }
            let main = root.appendingPathComponent("obligd.json").path
            if let data = FileManager.default.contents(atPath: main) {
                files["obligd.json"] = (data, main)
            } else if FileManager.default.fileExists(atPath: main)
                || (try? FileManager.default.destinationOfSymbolicLink(atPath: main)) != nil
            {
                // There but unreadable (or a dangling link): skipping it would start obligd without
                // its receivers, access policy or database.
                throw ConfigError(file: main, path: "", problem: "cannot read the file (check its permissions: obligd runs as user obligd)")
            }
        }
        return try build(files)
    }

    /// This configuration with the file at `path` (relative, `calendars/cn/2027.json`) replaced or added,
    /// checked as a load checks it: what a reload would bring if that file held `data`. Why: a calendar
    /// file is previewed (which days and deadlines move) and validated against the other years' files
    /// before it is written. `origin` names it in errors and explanations.
    package func replacing(_ path: String, with data: Data, origin: String) throws(ConfigError) -> Configuration {
        var all: [String: (data: Data, origin: String)] = [:]
        for (p, d) in files { all[p] = (d, sources[p] ?? Self.embeddedOrigin) }
        all[path] = (data, origin)
        return try Self.build(all)
    }

    /// JSON files under `dir`, following symbolic links (an operator may link a calendar in).
    /// A directory that is there but cannot be listed is an error: its files would be left out unsaid.
    static func jsonFiles(under dir: String, depth: Int = 0) throws(ConfigError) -> [String] {
        guard depth < 16 else { return [] }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
            throw ConfigError(file: dir, path: "", problem: "cannot read the directory (check its permissions: obligd runs as user obligd)")
        }
        var out: [String] = []
        for name in names.sorted() {
            let full = dir + "/" + name
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), isDir.boolValue {
                out += try jsonFiles(under: full, depth: depth + 1).map { name + "/" + $0 }
            } else if name.hasSuffix(".json") {
                out.append(name)  // a dangling link still fails loudly on read
            }
        }
        return out
    }

    /// A notice may name days in the last week of December of the year before (see CalendarFile); the
    /// file of that earlier year must then say nothing about them, or two notices would decide one day.
    static func checkReachBack(_ later: YearCalendar, earlier: YearCalendar) throws(ConfigError) {
        guard case let .official(_, _, file, _) = later.source else { return }
        var earlierFile = "calendars/\(earlier.year)"
        if case let .official(_, _, f, _) = earlier.source { earlierFile = f }
        for run in later.holidays {
            var named: [(day: CivilDate, what: String)] = []
            if run.first.year < later.year {
                for n in run.first.dayNumber...run.last.dayNumber where CivilDate(dayNumber: n).year < later.year {
                    named.append((CivilDate(dayNumber: n), "a day off of \(run.name)"))
                }
            }
            for m in run.makeUpDays where m.year < later.year { named.append((m, "a make-up working day of \(run.name)")) }
            for (day, what) in named {
                var clash: String?
                if let r = earlier.holidays.first(where: { $0.contains(day) }) {
                    clash = "a day off of \(r.name)"
                } else if let r = earlier.holidays.first(where: { $0.makeUpDays.contains(day) }) {
                    clash = "a make-up working day of \(r.name)"
                }
                if let clash {
                    throw ConfigError(
                        file: file, path: "holidays",
                        problem:
                            "\(day), \(what) in the \(later.year) notice, is already \(clash) in \(earlierFile); a day belongs to one notice"
                    )
                }
            }
        }
    }

    static func build(_ files: [String: (data: Data, origin: String)]) throws(ConfigError) -> Configuration {
        var byRegion: [String: [Int: YearCalendar]] = [:]
        var packs: [RulePack] = []
        var sources: [String: String] = [:]
        for path in files.keys.sorted() {
            let (data, origin) = files[path]!
            let label = Self.label(path, origin: origin)
            sources[path] = origin
            let parts = path.split(separator: "/")
            if parts.first == "calendars" {
                guard parts.count == 3, let fileYear = Int(parts[2].dropLast(5)) else {
                    throw ConfigError(file: label, path: "", problem: "calendar files go in calendars/<region>/<year>.json")
                }
                let (region, year) = try CalendarFile.parse(data, file: label)
                guard region == parts[1] else {
                    throw ConfigError(file: label, path: "region", problem: "says '\(region)' but the file is under calendars/\(parts[1])/")
                }
                guard year.year == fileYear else {
                    throw ConfigError(file: label, path: "year", problem: "says \(year.year) but the file is named \(fileYear).json")
                }
                byRegion[region, default: [:]][year.year] = year
            } else if parts.first == "rules" {
                let pack = try RulePack.parse(data, file: label)
                if let dup = pack.rules.first(where: { r in packs.contains { $0.rules.contains { $0.id == r.id } } }) {
                    throw ConfigError(file: label, path: "rules", problem: "rule id '\(dup.id)' is already defined by another pack")
                }
                packs.append(pack)
            }
        }
        for years in byRegion.values {
            for (y, later) in years {
                if let earlier = years[y - 1] { try checkReachBack(later, earlier: earlier) }
            }
        }
        let estimator = HolidayEstimator()
        var calendars: [String: WorkingCalendar] = [:]
        for (region, years) in byRegion {
            guard region == "cn" else {
                throw ConfigError(
                    file: "calendars/\(region)", path: "",
                    problem: "obligd can estimate unannounced years only for region cn; region '\(region)' is not supported yet")
            }
            var all: [YearCalendar] = []
            for y in supportedYears {
                all.append(years[y] ?? estimator.estimate(year: y))
            }
            do {
                calendars[region] = try WorkingCalendar(region: region, yearCalendars: all)
            } catch {
                throw ConfigError(file: "calendars/\(region)", path: "", problem: error.description)
            }
        }
        for pack in packs {
            for rule in pack.rules where calendars[rule.region] == nil {
                throw ConfigError(file: pack.file, path: "region", problem: "no calendar files for region '\(rule.region)'")
            }
        }
        var reminders = ReminderSettings()
        var web = WebSettings()
        var evidence = EvidenceSettings()
        if let main = files["obligd.json"] {
            let label = Self.label("obligd.json", origin: main.origin)
            try JSONObject.parse(main.data, file: label).onlyKeys(Self.mainSections, exceptPrefix: "$comment")
            reminders = try ReminderSettings.parse(main.data, file: label)
            web = try WebSettings.parse(main.data, file: label)
            evidence = try EvidenceSettings.parse(main.data, file: label)
            for rule in reminders.rules.keys where !packs.contains(where: { $0.rules.contains { $0.id == rule } }) {
                throw ConfigError(file: label, path: "reminders.rules.\(rule)", problem: "no rule '\(rule)'; see obligctl rules list")
            }
        }
        var configuration = Configuration(
            calendars: calendars, packs: packs, sources: sources, files: files.mapValues(\.data), reminders: reminders,
            knownMetrics: Set(packs.flatMap { $0.metrics.keys }))
        configuration.web = web
        configuration.evidence = evidence
        return configuration
    }
}
