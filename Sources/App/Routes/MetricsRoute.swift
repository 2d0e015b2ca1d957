import Foundation
import HTTPTypes
import Hummingbird
import Mirror
import Stream

/// `/metrics` in the Prometheus text format, `/api/mirror/upstream` (every request made to AniDB, newest first), and
/// `/api/anime-titles.xml.gz`, AniDB's titles dump as AniDB serves it.
struct MetricsRoute<Context: RequestContext> {
    let mirror: MirrorRouteContext
    let streams: StreamService

    func register(on router: Router<Context>) {
        router.get("metrics") { _, _ in
            let snapshot = try await mirror.fetcher.snapshot()
            await streamGauges()
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
                range: 1...5000
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

    /// What streaming holds now: producers (each may run an ffmpeg) and the segment cache against its cap.
    func streamGauges() async {
        func gauge(_ name: String, _ help: String, _ value: Int) {
            mirror.metrics.setGauge(name, help: help, to: Double(value))
        }
        gauge("anikura_stream_producers", "Segment producers kept: working, or used within hls.idle_secs.", streams.producerCount)
        gauge("anikura_stream_transcodes_active", "Transcoding producers working or recently used.", await streams.activeTranscodes())
        gauge("anikura_hls_cache_bytes", "Bytes of finished segments in the HLS cache.", await streams.cache.usedBytes)
        gauge("anikura_hls_cache_segments", "Finished segments in the HLS cache.", await streams.cache.segmentCount)
        gauge("anikura_hls_cache_capacity_bytes", "The HLS cache's cap (hls.cache_mb).", streams.cache.capacityBytes)
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
