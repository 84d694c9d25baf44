import Hummingbird
import NIOCore

/// The listener's request context: Hummingbird's basic one plus the peer's address, which decides
/// whether a request came through the trusted reverse proxy whose user header the web view may
/// believe (`web.trustedProxy`). A request from anywhere else has its user header ignored.
package struct WebRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage (logger, route parameters).
    package var coreContext: CoreRequestContextStorage
    /// The TCP peer: the reverse proxy when there is one, the browser otherwise; nil in-process.
    package let remoteAddress: SocketAddress?

    /// The context of a request on the listener's channel; the peer's address is read once, here.
    package init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
