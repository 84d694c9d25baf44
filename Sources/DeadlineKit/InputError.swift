/// Bad input from a person or a file: names the offending token, what is wrong, and what is accepted,
/// so that the message alone tells the user how to fix it.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    public var token: String
    public var problem: String
    public var accepted: String

    public init(token: String, problem: String, accepted: String) {
        self.token = token
        self.problem = problem
        self.accepted = accepted
    }

    public var description: String { "'\(token)' \(problem); expected \(accepted)" }
}
