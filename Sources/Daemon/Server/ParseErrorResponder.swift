import APIModel
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser rejects before any route sees it (a garbled request line or
/// header) with a JSON 400 like every other error, instead of Hummingbird's empty one. Errors in a
/// request already under way (a bad chunk size in its body) reach the route, which answers them.
///
/// It answers `CONNECT` too: NIO's encoder sends every response to a CONNECT without its body (a 2xx
/// one switches to a tunnel), so the route's JSON 405 or 404 would go out empty. obligd is no proxy:
/// the answer is written below the encoder, as bytes, and the connection closed.
final class ParseErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A request's head was read and not yet its end (its body is streaming to a route).
    private var reading = false
    /// Requests read whose responses are not finished: a parse error after a good request waits for
    /// that request's answer (pipelining), so the good answer is never lost.
    private var pending = 0
    private var deferred: HTTPParserError?
    /// The routes, for a CONNECT's answer (405 with `Allow` for a known path, else 404).
    private let routes: RouteTable?
    /// A CONNECT was read: its answer once the requests before it are answered; nothing more is read.
    private var connect: (target: String, answered: Bool)?

    init(routes: RouteTable? = nil) { self.routes = routes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard connect == nil else { return }
        switch unwrapInboundIn(data) {
        case let .head(request) where request.method == .connect:
            connect = (request.path ?? request.authority ?? "", false)
            if pending == 0 { refuseConnect(context: context) }
            return
        case .head:
            reading = true
            pending += 1
        case .end: reading = false
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        context.write(data, promise: promise)
        if case .end = part {
            pending = max(pending - 1, 0)
            if pending == 0, let error = deferred {
                deferred = nil
                answer(error, context: context)
            }
            if pending == 0, connect?.answered == false { refuseConnect(context: context) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parse = error as? HTTPParserError, !reading else {
            // Not a parse error, or one inside a body a route is reading: the route answers it.
            context.fireErrorCaught(error)
            return
        }
        if pending > 0 {
            deferred = parse
        } else {
            answer(parse, context: context)
        }
    }

    /// The JSON answer to a CONNECT, written as bytes beneath NIO's response encoder (which would
    /// drop its body), then the connection closed.
    private func refuseConnect(context: ChannelHandlerContext) {
        guard let target = connect?.target else { return }
        connect?.answered = true
        let allowed = routes?.methods(for: target) ?? []
        let (status, body): (HTTPResponse.Status, APIErrorBody) =
            allowed.isEmpty
            ? (
                .notFound,
                APIErrorBody(
                    error: "no route CONNECT \(target): obligd is no proxy", field: "method",
                    fix: "see openapi.yaml or 'obligctl help' for the routes")
            )
            : (
                .methodNotAllowed,
                APIErrorBody(error: "\(target) does not take CONNECT", field: "method", fix: "use \(allowed.joined(separator: " or "))")
            )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(body)) ?? Data()
        var head = "HTTP/1.1 \(status.code) \(status.reasonPhrase)\r\nContent-Type: application/json\r\n"
        head += "Content-Length: \(bytes.count)\r\nDate: \(RouteTable.imfFixdate(Date()))\r\nServer: obligd\r\n"
        if !allowed.isEmpty { head += "Allow: \(allowed.joined(separator: ", "))\r\n" }
        head += "Connection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(capacity: head.utf8.count + bytes.count)
        buffer.writeString(head)
        buffer.writeBytes(bytes)
        guard let below = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self) else {
            context.close(promise: nil)
            return
        }
        below.writeAndFlush(NIOAny(buffer)).whenComplete { _ in context.close(promise: nil) }
    }

    private func answer(_ parse: HTTPParserError, context: ChannelHandlerContext) {
        let body = APIErrorBody(
            error: "the request is not well-formed HTTP/1.1 (\(parse))", field: "request",
            fix: "send a request line, headers of the form 'Name: value' and a body that matches its Content-Length")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(body)) ?? Data()
        var head = HTTPResponse(status: .badRequest)
        head.headerFields[.contentType] = "application/json"
        head.headerFields[.contentLength] = String(bytes.count)
        head.headerFields[.connection] = "close"
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(ByteBuffer(bytes: bytes))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}
