/// Bad input from a person or a file: names the offending token, what is wrong, and what is accepted,
/// so that the message alone tells the user how to fix it.
public struct InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The offending input exactly as given, quoted so the user can find it in a long command or file.
    public var token: String
    /// What is wrong, phrased to follow the token ("is not a date").
    public var problem: String
    /// What would be accepted, with an example, so the message alone tells the user how to fix the input.
    public var accepted: String

    /// Public so the other modules (rules, config, zones) report bad input in the same three-part shape.
    public init(token: String, problem: String, accepted: String) {
        self.token = token
        self.problem = problem
        self.accepted = accepted
    }

    /// The whole message on one line: `'<token>' <problem>; expected <accepted>`.
    public var description: String { "'\(token)' \(problem); expected \(accepted)" }
}
