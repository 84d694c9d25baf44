/// A credential (a signing secret, or a webhook URL that carries a token). Its description is redacted
/// so that printing a receiver, logging an error or dumping a value never shows it; only the formats
/// read `exposedValue` to sign or address a request.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let exposedValue: String

    public init(_ value: String) { exposedValue = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: []) }
}
