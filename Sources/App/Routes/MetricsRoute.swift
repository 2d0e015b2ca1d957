import HTTPTypes
import Hummingbird
import Mirror

/// `/metrics` in the Prometheus text format, and `/api/anime-titles.xml.gz`, AniDB's titles dump as AniDB serves it.
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
