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
        do {
            return try await next(request, context)
        } catch let error as APIError {
            if error.status.code >= 500 {
                log(error.internalCause ?? error.message, request, context, reference: nil)
            }
            throw error
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
                dialect: Self.isKometaPath(request.uri.path) ? .kometa : .native,
                headers: [.retryAfter: "30"]
            )
        } catch {
            let reference = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            log("\(error)", request, context, reference: reference)
            let dialect: APIError.Dialect = Self.isKometaPath(request.uri.path) ? .kometa : .native
            if StorageFailure.isDiskFull(error, dataDir: dataDir) {
                throw APIError(
                    status: .insufficientStorage,
                    message: "Disk full: the server cannot write to its data folder (ref \(reference)).",
                    dialect: dialect
                )
            }
            let kind = error is DatabaseError ? "a database error" : "an internal error"
            throw APIError(
                status: .internalServerError,
                message: "The server hit \(kind); its log has the cause (ref \(reference)).",
                dialect: dialect
            )
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

    static func isKometaPath(_ path: String) -> Bool {
        ["/anime/", "/tags/", "/search/", "/stats", "/anidb-service/"].contains { path.hasPrefix($0) }
    }
}
