/// A credential (a signing secret, or a webhook URL that carries a token). Its description is redacted
/// so that printing a receiver, logging an error or dumping a value never shows it; only the formats
/// read `exposedValue` to sign or address a request.
package struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The credential itself; read only where it signs or addresses a request, never printed.
    package let exposedValue: String

    /// Wraps a credential read from a file or systemd credential.
    package init(_ value: String) { exposedValue = value }

    /// Always `<redacted>`, so string interpolation never leaks it.
    package var description: String { "<redacted>" }
    /// Always `<redacted>`, so `debugPrint` and `dump` never leak it.
    package var debugDescription: String { "<redacted>" }
    /// No children, so reflection (`dump`, test failure output) shows nothing of it.
    package var customMirror: Mirror { Mirror(self, children: []) }
}
