import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import Logging
import Mirror

/// The one place unexpected errors become answers: every 5xx gets a JSON body with a message (never a path or a
/// stack of internals) and a log line with the cause, both carrying the same short reference; a full disk says so.
/// Errors that already are answers (`APIError`, Hummingbird's `HTTPError`) pass through, 5xx ones logged.
struct ServerErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let dataDir: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Worked out only for an error: most requests never need it.
        func dialect() -> APIError.Dialect { APISurface.of(request.uri.path).errorDialect }
        do {
            return try await next(request, context)
        } catch var error as APIError {
            // Routes and the access checks say what went wrong; the surface says how it is worded.
            error.dialect = dialect()
            if error.status.code >= 500 {
                log(error.internalCause ?? error.message, request, context, reference: nil)
            }
            throw error
        } catch let error as HTTPError where (400..<500).contains(error.status.code) {
            // Hummingbird's own refusals (an unknown path, a body over the limit) get the usual JSON body too.
            throw APIError(
                status: error.status,
                message: error.body.flatMap { $0.isEmpty ? nil : $0 } ?? Self.sentence(error.status),
                dialect: dialect(),
                headers: error.headers
            )
        } catch let error as any HTTPResponseError {
            if error.status.code >= 500 { log("\(error)", request, context, reference: nil) }
            throw error
        } catch let error as LedgerUnavailable {
            // The shared mirror database is out of reach: a moment's outage, not a fault in this request.
            let reference = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            log("\(error)", request, context, reference: reference)
            throw APIError(
                status: .serviceUnavailable,
                message: "The shared mirror database does not answer; try again shortly (ref \(reference)).",
                dialect: dialect(),
                headers: [.retryAfter: "30"]
            )
        } catch {
            let reference = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            log("\(error)", request, context, reference: reference)
            if StorageFailure.isDiskFull(error, dataDir: dataDir) {
                throw APIError(
                    status: .insufficientStorage,
                    message: "Disk full: the server cannot write to its data folder (ref \(reference)).",
                    dialect: dialect()
                )
            }
            let kind = error is DatabaseError ? "a database error" : "an internal error"
            throw APIError(
                status: .internalServerError,
                message: "The server hit \(kind); its log has the cause (ref \(reference)).",
                dialect: dialect()
            )
        }
    }

    /// What a bare 4xx means, in a sentence.
    static func sentence(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: "The request is malformed."
        case 404: "Nothing here: check the address."
        case 405: "This address does not take that method."
        case 413: "The request body is too large."
        case 415: "The request body's type is not one this address takes."
        default: status.reasonPhrase.isEmpty ? "The request was refused (\(status.code))." : status.reasonPhrase + "."
        }
    }

    private func log(_ cause: String, _ request: Request, _ context: Context, reference: String?) {
        var metadata: Logger.Metadata = ["method": "\(request.method)", "path": "\(Self.loggablePath(request.uri.path))"]
        if let reference { metadata["ref"] = "\(reference)" }
        context.logger.error("request failed: \(cause)", metadata: metadata)
    }

    /// The path with any stream token replaced: tokens are credentials and are never logged.
    static func loggablePath(_ path: String) -> String {
        guard path.hasPrefix("/hls/") else { return path }
        var parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.count > 2 { parts[2] = "…" }
        return parts.joined(separator: "/")
    }
}
