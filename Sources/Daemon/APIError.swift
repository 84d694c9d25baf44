import APIModel
import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import Rules
import Store

/// Maps any failure of a request to a status and a JSON body that says what to fix.
enum APIError {
    static func response(for error: Error) -> Response {
        switch error {
        case let e as StoreError:
            switch e {
            case let .invalid(field, problem, fix): return json(.badRequest, APIErrorBody(error: problem, field: field, fix: fix))
            case let .notFound(what): return json(.notFound, APIErrorBody(error: "\(what) not found"))
            case let .conflict(what): return json(.conflict, APIErrorBody(error: what))
            }
        case let e as HTTPParserError:
            // The body's framing was broken (a short body, a bad chunk size, an unknown transfer coding).
            return json(
                .badRequest,
                APIErrorBody(
                    error: "the request body is not well-formed HTTP/1.1 (\(e))", field: "body",
                    fix: "send a body that matches its Content-Length, or valid chunked encoding"))
        case is NIOTooManyBytesError:
            return json(
                .contentTooLarge,
                APIErrorBody(error: "the body is larger than obligd takes (64 MiB)", field: "body", fix: "split it, e.g. import in parts"))
        case let e as HTTPError where (400..<500).contains(Int(e.status.code)):
            return json(
                e.status, APIErrorBody(error: e.body ?? e.status.reasonPhrase, field: "request", fix: "send a well-formed HTTP/1.1 request")
            )
        case let e as APIFailure:
            return json(e.status, e.body)
        case let e as APIErrorBody:
            return json(.badRequest, e)
        case let e as DecodingError:
            return json(.badRequest, decoding(e))
        case let e as ConfigError:
            return json(
                .unprocessableContent,
                APIErrorBody(
                    error: e.description, field: "config",
                    fix: "correct the file and reload again; the previous configuration stays in force"))
        default:
            return json(
                .internalServerError, APIErrorBody(error: "internal error: \(error)", fix: "see the obligd log; nothing was written"))
        }
    }

    static func decoding(_ e: DecodingError) -> APIErrorBody {
        func path(_ c: [CodingKey]) -> String { KnownFields.path(c) }
        switch e {
        case let .keyNotFound(key, ctx):
            let p = path(ctx.codingPath + [key])
            return APIErrorBody(error: "missing field '\(p)'", field: p, fix: "add '\(p)' to the JSON body")
        case let .typeMismatch(type, ctx) where ctx.codingPath.isEmpty:
            return APIErrorBody(
                error: "the body is not \(kind(type))", field: "body", fix: "send one JSON object with the fields openapi.yaml gives")
        case let .typeMismatch(type, ctx):
            let p = path(ctx.codingPath)
            return APIErrorBody(error: "field '\(p)' has the wrong type", field: p, fix: "send \(kind(type)) there")
        case let .valueNotFound(type, ctx) where ctx.codingPath.isEmpty:
            // `null` as the whole body, named as an array or a string there is.
            return APIErrorBody(
                error: "the body is null, not \(kind(type))", field: "body",
                fix: "send one JSON object with the fields openapi.yaml gives")
        case let .valueNotFound(type, ctx):
            let p = path(ctx.codingPath)
            return APIErrorBody(error: "field '\(p)' is null", field: p, fix: "send \(kind(type)) there")
        case let .dataCorrupted(ctx):
            let p = path(ctx.codingPath)
            // The body is strict JSON by now (StrictJSON): a value that cannot be read is the field's fault
            // (1.5 or 1e99 where a whole number belongs), not the body's.
            guard !p.isEmpty else {
                return APIErrorBody(
                    error: "the body is not valid JSON", field: "body", fix: "send one JSON object (Content-Type: application/json)")
            }
            return APIErrorBody(
                error: "field '\(p)' cannot be read: \(ctx.debugDescription)", field: p,
                fix: "send the kind of value openapi.yaml gives for it (a whole number for counts)")
        @unknown default:
            return APIErrorBody(error: "cannot decode the body", field: "body", fix: "send one JSON object")
        }
    }

    /// A Swift type in the words of JSON ("a whole number", not "Int64").
    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type: "a whole number"
        case is Double.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [String: String].Type: "an object of strings"
        default: "\(type)".hasPrefix("Array") ? "an array" : "\(type)".hasPrefix("Dictionary") ? "an object" : "\(type)"
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func json<T: Encodable>(_ status: HTTPResponse.Status, _ value: T) -> Response {
        let data = (try? encoder.encode(value)) ?? Data("{\"error\":\"cannot encode response\"}".utf8)
        return raw(status, data)
    }

    static func raw(_ status: HTTPResponse.Status, _ data: Data) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A refusal with its own status (415 and the like) and the body that explains it.
struct APIFailure: Error {
    var status: HTTPResponse.Status
    var body: APIErrorBody
}
