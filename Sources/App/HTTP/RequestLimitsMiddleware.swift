import Foundation
import HTTPTypes
import Hummingbird

/// Refuses request targets longer than any real client sends, before any route parses them.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    var maxTargetLength = 4_096

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.description.utf8.count <= maxTargetLength else {
            throw APIError(
                status: .uriTooLong,
                message: "Request target longer than \(maxTargetLength) bytes."
            )
        }
        return try await next(request, context)
    }
}
