/// A credential (a signing secret, or a webhook URL that carries a token). Its description is redacted
/// so that printing a receiver, logging an error or dumping a value never shows it; only the formats
/// read `exposedValue` to sign or address a request.
package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    package let exposedValue: String

    package init(_ value: String) { exposedValue = value }

    package var description: String { "<redacted>" }
    package var debugDescription: String { "<redacted>" }
    package var customMirror: Mirror { Mirror(self, children: []) }
}
