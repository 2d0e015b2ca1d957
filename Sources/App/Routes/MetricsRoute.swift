import Foundation
import HTTPTypes
import Hummingbird
import Mirror

/// `/metrics` in the Prometheus text format, `/api/mirror/upstream` (every request made to AniDB, newest first), and
/// `/api/anime-titles.xml.gz`, AniDB's titles dump as AniDB serves it.
struct MetricsRoute<Context: RequestContext> {
    let mirror: MirrorRouteContext

    func register(on router: Router<Context>) {
        router.get("metrics") { _, _ in
            let snapshot = try await mirror.fetcher.snapshot()
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: mirror.metrics.render(snapshot)))
            )
        }
        router.get("api/anime-titles.xml.gz") { _, _ in try await titlesDump() }
        router.get("api/mirror/upstream") { request, _ in
            let limit = try RequestParsing.positiveInt(
                request.uri.queryParameters.get("limit"),
                name: "limit",
                default: 100,
                range: 1...5000,
                .native
            )
            let entries = try await mirror.fetcher.ledger.upstreamLog(limit: limit).map { entry -> [String: any Sendable] in
                [
                    "startedAt": ISOTime.format(entry.startedAt), "target": entry.target, "aid": entry.animeId ?? NSNull(),
                    "outcome": entry.outcome ?? "pending", "detail": entry.detail ?? NSNull(),
                ]
            }
            return try JSONResponse.make(["requests": entries] as [String: any Sendable])
        }
    }

    /// The gzip bytes with no `Content-Encoding`, exactly like AniDB's file; 503 while it is being fetched.
    func titlesDump() async throws -> Response {
        try await mirror.fetcher.needTitles()
        guard let bytes = mirror.fetcher.titlesDump() else {
            throw APIError(
                status: .serviceUnavailable,
                message: mirror.fetcher.isFetching
                    ? "The AniDB titles dump has not been downloaded yet; it is queued."
                    : "The AniDB titles dump has not been downloaded, and fetching from AniDB is off (set mirror.client).",
                dialect: .native,
                headers: [.retryAfter: "60"]
            )
        }
        return Response(
            status: .ok,
            headers: [.contentType: "application/gzip"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}
