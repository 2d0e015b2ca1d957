import Foundation
import HTTPTypes
import Hummingbird

/// HTTP Basic authentication for every route, when `server.username`/`server.password` are set — except HLS
/// playlists and segments, whose URLs carry a signed, expiring token handed out by the (authenticated)
/// `/api/stream/{fileId}`: players fetching them send no headers.
struct BasicAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let expected: String

    init(username: String, password: String) {
        expected = "\(username):\(password)"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/hls/") { return try await next(request, context) }
        guard let given = request.headers[.authorization].flatMap(Self.basicCredentials), Self.constantTimeEqual(given, expected)
        else {
            return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Basic realm=\"anikura\""])
        }
        return try await next(request, context)
    }

    /// `user:password` from an `Authorization` value; the scheme is case-insensitive (RFC 7235 §2.1).
    static func basicCredentials(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let data = Data(base64Encoded: parts[1].trimmingCharacters(in: .whitespaces))
        else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// Compares without an early exit, so response timing does not reveal how much of a guess was right.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<min(a.count, b.count) { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Refuses request targets longer than any real client sends, before any route parses them.
struct RequestLimitsMiddleware<Context: RequestContext>: RouterMiddleware {
    var maxTargetLength = 4_096

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.description.utf8.count <= maxTargetLength else {
            throw APIError(
                status: .uriTooLong,
                message: "Request target longer than \(maxTargetLength) bytes.",
                dialect: .native
            )
        }
        return try await next(request, context)
    }
}
