import APIModel
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers a request the HTTP parser rejects before any route sees it (a garbled request line or
/// header) with a JSON 400 like every other error, instead of Hummingbird's empty one. Errors in a
/// request already under way (a bad chunk size in its body) reach the route, which answers them.
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

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
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
