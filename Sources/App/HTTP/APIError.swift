import Foundation
import HTTPTypes
import Hummingbird
import Library

/// Every error a route can answer with, mapped to HTTP once: the stages throw their own typed errors and only this
/// type knows status codes and body shapes.
///
/// The Kometa dialect answers like AniDB-Service (FastAPI): `{"detail": "..."}`. The native API answers
/// `{"error": {"message": "..."}}`. The AniDB dialect never uses this type: it answers with AniDB's `<error>` bodies.
struct APIError: Error, HTTPResponseError {
    enum Dialect: Sendable { case kometa, native }

    var status: HTTPResponse.Status
    var message: String
    /// Set by `ServerErrorMiddleware` from the request's `APISurface`; routes never choose it.
    var dialect: Dialect = .native
    var headers: HTTPFields = [:]
    /// What the log says about a 5xx when the message shown to clients is kept general (it may name paths).
    var internalCause: String? = nil

    init(status: HTTPResponse.Status, message: String, headers: HTTPFields = [:], internalCause: String? = nil) {
        self.status = status
        self.message = message
        self.headers = headers
        self.internalCause = internalCause
    }

    /// The edge's own answers (the error middleware), in the dialect of the request's surface.
    init(status: HTTPResponse.Status, message: String, dialect: Dialect, headers: HTTPFields = [:]) {
        self.init(status: status, message: message, headers: headers)
        self.dialect = dialect
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, message: message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, message: message)
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

extension APIError {
    /// A library file's folder did not answer within `library.disk_timeout_secs` (see `MountGuard`); the log says how
    /// many calls there still wait on it.
    static func folderStalled(_ file: LibraryFile, hanging: Int) -> APIError {
        APIError(
            status: .gatewayTimeout,
            message: "The folder holding library file \(file.id) did not answer in time (is the disk or network share there?).",
            internalCause: "no answer from \(file.root) for \(file.path); \(hanging) call(s) there still wait on it"
        )
    }
}
