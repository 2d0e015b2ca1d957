import Foundation
import HTTPTypes
import Hummingbird

/// JSON bodies. Codable values go through `JSONEncoder`; small ad-hoc objects through `JSONSerialization`.
enum JSONResponse {
    /// Sorted keys, unescaped slashes: stable output that diffs and caches well.
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func make(
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:],
        _ value: some Encodable
    )
        throws -> Response
    {
        build(status, headers, try encoder.encode(value))
    }

    static func make(
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:],
        _ object: [String: any Sendable]
    )
        throws -> Response
    {
        build(status, headers, try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    /// A body the caller already wrote as JSON.
    static func make(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], json bytes: [UInt8]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    private static func build(_ status: HTTPResponse.Status, _ headers: HTTPFields, _ data: Data) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// `ETag`/`Last-Modified` on document responses, and 304 for matching conditional requests.
/// The body is made only when it is sent (a 304 never gzips a document).
enum ConditionalGet {
    static func respond(
        to request: Request,
        body: () throws -> ByteBuffer,
        etag: String,
        lastModified: Double,
        headers: inout HTTPFields
    ) rethrows -> Response {
        headers[.eTag] = etag
        headers[.lastModified] = HTTPDate.format(lastModified)
        if let match = request.headers[.ifNoneMatch] {
            // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
            let tags = match.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if tags.contains("*") || tags.contains(etag) || tags.contains("W/" + etag) {
                return Response(status: .notModified, headers: headers)
            }
        } else if let since = request.headers[.ifModifiedSince].flatMap(HTTPDate.parse), lastModified.rounded(.down) <= since {
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: try body()))
    }
}
