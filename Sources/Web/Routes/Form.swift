import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import Store

/// A form's body as the pages send it: `application/x-www-form-urlencoded`, or `multipart/form-data`
/// when it carries files (evidence at done). Fields given twice keep the first.
struct Form {
    var fields: [String: String] = [:]
    /// The files chosen in the form's file inputs; an input left empty sends none.
    var files: [EvidenceUpload] = []

    subscript(_ name: String) -> String? { fields[name] }

    /// The form of `req`. A urlencoded body is read up to 64 KiB; a multipart one up to `maxBytes`
    /// (the evidence limit per obligation, with room for the form's other fields), else a clear refusal.
    static func read(_ req: Request, maxBytes: Int = 64 << 10) async throws -> Form {
        let type = req.headers[.contentType] ?? ""
        guard type.lowercased().hasPrefix("multipart/form-data"), let boundary = boundary(of: type) else {
            return Form(fields: urlencoded(String(buffer: try await collect(req, upTo: 64 << 10))))
        }
        return try multipart(try await collect(req, upTo: maxBytes + (1 << 20)), boundary: boundary)
    }

    private static func collect(_ req: Request, upTo limit: Int) async throws -> ByteBuffer {
        do {
            return try await req.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        } catch is NIOTooManyBytesError {
            throw tooLarge(limit)
        }
    }

    private static func tooLarge(_ limit: Int) -> StoreError {
        .invalid(
            field: "evidence", problem: "the form is larger than \(Evidence.size(Int64(limit)))",
            fix: "attach fewer or smaller files (obligd.json evidence.maxPerObligationBytes sets the limit)")
    }

    static func urlencoded(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let key = decode(parts[0])
            if fields[key] == nil { fields[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    /// `boundary` of a `multipart/form-data; boundary=...` content type.
    static func boundary(of contentType: String) -> String? {
        for part in contentType.split(separator: ";") {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if kv.count == 2, kv[0].lowercased() == "boundary" {
                let b = kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return b.isEmpty ? nil : b
            }
        }
        return nil
    }

    /// The fields and files of a multipart body, parsed by MultipartKit.
    static func multipart(_ body: ByteBuffer, boundary: String) throws -> Form {
        final class Parts {
            var headers: [(String, String)] = []
            var body = ByteBuffer()
            var done: [(headers: [(String, String)], body: ByteBuffer)] = []
        }
        let parts = Parts()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in parts.headers.append((name, value)) }
        parser.onBody = { chunk in parts.body.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.done.append((parts.headers, parts.body))
            parts.headers = []
            parts.body = ByteBuffer()
        }
        do {
            try parser.execute(body)
        } catch {
            throw StoreError.invalid(field: "form", problem: "the form's body is not multipart/form-data", fix: "send the form again")
        }
        var form = Form()
        for part in parts.done {
            func header(_ name: String) -> String? { part.headers.first { $0.0.lowercased() == name }?.1 }
            let disposition = header("content-disposition") ?? ""
            guard let name = parameter("name", of: disposition) else { continue }
            if let filename = parameter("filename", of: disposition) {
                // A file input left empty sends a part with an empty name and no bytes.
                guard !filename.isEmpty, part.body.readableBytes > 0 else { continue }
                form.files.append(
                    EvidenceUpload(
                        name: filename, mediaType: header("content-type") ?? "application/octet-stream",
                        content: Array(part.body.readableBytesView)))
            } else if form.fields[name] == nil {
                form.fields[name] = String(buffer: part.body)
            }
        }
        return form
    }

    /// `key="value"` (or unquoted) of a Content-Disposition header; the browser escapes quotes in
    /// file names as `%22`, which stay as they are.
    static func parameter(_ key: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, kv[0].lowercased() == key else { continue }
            var v = kv[1]
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }
}
