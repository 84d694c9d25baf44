/// The languages obligd writes messages in; each has one template file, `templates/<code>.json`, and
/// every rule of a pack its wording in each (`RuleWording`). In Rules, beside the packs, so that a
/// rule's wording and a template are chosen by the same value.
package enum Language: String, Sendable, CaseIterable {
    case en
    case zhCN = "zh-CN"
}
