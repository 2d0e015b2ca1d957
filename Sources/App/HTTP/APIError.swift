import Foundation
import HTTPTypes
import Hummingbird

/// Every error a route can answer with, mapped to HTTP once: the stages throw their own typed errors and only this
/// type knows status codes and body shapes.
///
/// The Kometa dialect answers like AniDB-Service (FastAPI): `{"detail": "..."}`. The native API answers
/// `{"error": {"message": "..."}}`. The AniDB dialect never uses this type: it answers with AniDB's `<error>` bodies.
struct APIError: Error, HTTPResponseError {
    enum Dialect: Sendable { case kometa, native }

    var status: HTTPResponse.Status
    var message: String
    var dialect: Dialect
    var headers: HTTPFields = [:]
    /// What the log says about a 5xx when the message shown to clients is kept general (it may name paths).
    var internalCause: String? = nil

    static func badRequest(_ message: String, _ dialect: Dialect) -> APIError {
        APIError(status: .badRequest, message: message, dialect: dialect)
    }

    static func notFound(_ message: String, _ dialect: Dialect) -> APIError {
        APIError(status: .notFound, message: message, dialect: dialect)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body: [String: Any] =
            switch dialect {
            case .kometa: ["detail": message]
            case .native: ["error": ["message": message]]
            }
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
