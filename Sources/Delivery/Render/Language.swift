/// The languages obligd writes messages in; each has one template file, `templates/<code>.json`.
package enum Language: String, Sendable, CaseIterable {
    case en
    case zhCN = "zh-CN"
}
