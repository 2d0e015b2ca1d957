import Foundation
import HTTPTypes
import Hummingbird
import Mirror

/// gzip for the app's JSON (and any other text answer a route makes whole), with a weak `ETag` and 304 on the
/// JSON that pages ask for again and again (`/api/shelf` for 2,000 series is 711 KB as JSON and 65 KB gzipped).
/// Bodies that stream (events, segments, files) and mirror documents (they carry their own `ETag` and encoding)
/// pass untouched.
struct CompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Smaller bodies gain less than gzip's header and the time it takes.
    var minimumBytes = 1_024
    /// Larger bodies are not collected in memory to be compressed.
    var maximumBytes = 32 << 20
    /// zlib's level: 1 is the fastest; JSON this repetitive compresses about as well at 1 as at 5.
    var level: Int32 = 1

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard request.method == .get, response.status == .ok, response.headers[.contentEncoding] == nil,
            let type = response.headers[.contentType], ContentCoding.isCompressible(type),
            let length = response.body.contentLength, length <= maximumBytes
        else { return response }
        let tagged = ContentCoding.isJSON(type) && response.headers[.eTag] == nil
        let accepts = ContentCoding.acceptsGzip(request.headers[values: .acceptEncoding])
        guard tagged || (accepts && length >= minimumBytes) else { return response }
        let body = try await Self.collect(response.body)
        if tagged {
            let tag = ContentCoding.weakTag(body)
            response.headers[.eTag] = tag
            if ContentCoding.matches(request.headers[values: .ifNoneMatch], tag) {
                response.status = .notModified
                response.body = ResponseBody()
                return response
            }
        }
        response.headers[.vary] = "Accept-Encoding"
        guard accepts, body.readableBytes >= minimumBytes else {
            response.body = ResponseBody(byteBuffer: body)
            return response
        }
        let compressed = try Gzip.compress(Array(buffer: body), level: level)
        // Clients guard against gzip bombs by ratio (AsyncHTTPClient's browser-like setting refuses past 25×): a body
        // that shrinks more than 20× goes plain rather than be refused.
        guard compressed.count * 20 >= body.readableBytes else {
            response.body = ResponseBody(byteBuffer: body)
            return response
        }
        response.headers[.contentEncoding] = "gzip"
        // A strong tag names these exact bytes; the gzipped ones are only equivalent.
        if let tag = response.headers[.eTag], !tag.hasPrefix("W/") { response.headers[.eTag] = "W/" + tag }
        response.body = ResponseBody(byteBuffer: ByteBuffer(bytes: compressed))
        return response
    }

    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let sink = CollectingWriter.Sink()
        try await body.write(CollectingWriter(sink: sink))
        return sink.buffer
    }
}

/// What may be compressed, what a client accepts, and entity tags compared as RFC 9110 says.
enum ContentCoding {
    static func isJSON(_ type: String) -> Bool { type.hasPrefix("application/json") }

    static func isCompressible(_ type: String) -> Bool {
        isJSON(type) || type.hasPrefix("text/html") || type.hasPrefix("text/javascript") || type.hasPrefix("text/css")
            || type.hasPrefix("image/svg+xml") || type.hasPrefix("text/plain")
    }

    /// `gzip` listed without `q=0` (or `*` with a non-zero q).
    static func acceptsGzip(_ values: [String]) -> Bool {
        for item in values.flatMap({ $0.split(separator: ",") }) {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "x-gzip" || coding == "*" else { continue }
            let zero = parts.dropFirst().contains {
                $0.replacingOccurrences(of: " ", with: "").range(of: #"^q=0(\.0*)?$"#, options: .regularExpression) != nil
            }
            if !zero { return true }
        }
        return false
    }

    /// A weak tag from the body's length, CRC-32 and Adler-32: computed at memory speed on every answer (SHA-256 of
    /// the 700 KB shelf cost more than building it), and a tag only decides whether a browser's copy is current.
    static func weakTag(_ body: ByteBuffer) -> String {
        let (crc, adler) = body.withUnsafeReadableBytes { Gzip.checksums($0) }
        return "W/\"\(String(body.readableBytes, radix: 16))-\(String(crc, radix: 16))-\(String(adler, radix: 16))\""
    }

    /// Weak comparison (RFC 9110 §8.8.3.2): `W/` is ignored on both sides.
    static func matches(_ values: [String], _ tag: String) -> Bool {
        let bare = tag.hasPrefix("W/") ? String(tag.dropFirst(2)) : tag
        for item in values.flatMap({ $0.split(separator: ",") }) {
            let given = item.trimmingCharacters(in: .whitespaces)
            if given == "*" || given == bare || given == "W/" + bare { return true }
        }
        return false
    }

}

/// A response body writer that keeps what is written, for a middleware that needs the whole body.
struct CollectingWriter: ResponseBodyWriter {
    final class Sink: @unchecked Sendable {
        // Written by one task, read after it finished.
        var buffer = ByteBuffer()
    }

    let sink: Sink

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        sink.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
