/// Why a store operation refused to change anything. Each case carries what a client needs to fix it.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request is wrong: `field` names the input, `problem` what is wrong, `fix` what to send instead.
    case invalid(field: String, problem: String, fix: String)
    case notFound(String)
    case conflict(String)

    public var description: String {
        switch self {
        case let .invalid(field, problem, fix): "\(field): \(problem); \(fix)"
        case let .notFound(what): "\(what) not found"
        case let .conflict(what): what
        }
    }
}
