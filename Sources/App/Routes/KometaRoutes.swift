import Foundation
import HTTPTypes
import Hummingbird
import Mirror
import MirrorPostgres

/// The Kometa / AniDB-Service dialect: `/anime/{aid}`, `/tags/{id}`, `/search/tags`, `/stats`.
///
/// Status codes, headers and JSON shapes follow Kometa-Team/AniDB-Service, so Kometa works unchanged
/// apart from its base URL. Mounted at `/` and under `/anidb-service`.
struct KometaRoutes<Context: RequestContext> {
    let mirror: MirrorRouteContext

    func register(on group: RouterGroup<Context>) {
        group.get("anime/:aid") { request, context in try await anime(request, context) }
        group.get("tags/:tag_id") { request, context in try await tag(request, context) }
        group.get("search/tags") { request, _ in try await searchTags(request) }
        group.get("stats") { _, _ in try await stats() }
    }

    func anime(_ request: Request, _ context: Context) async throws -> Response {
        let aid = try RequestParsing.aid(context.parameters.get("aid"))
        let query = request.uri.queryParameters
        let mature = try RequestParsing.bool(query.get("mature"), name: "mature")
        // Longer waits are capped, not refused: the client gets the document or the 202 a little sooner. Without
        // `?wait=` the request is held for `mirror.client_wait_secs`, but only when the fetch can start within it.
        var wait = mirror.clientWaitSeconds
        if query.get("wait") != nil {
            wait = Double(
                min(
                    try RequestParsing.positiveInt(query.get("wait"), name: "wait", default: 0, range: 0...86_400),
                    Int(mirror.maxClientWaitSeconds)
                )
            )
        }
        switch try await mirror.fetcher.lookup(aid: aid, mature: mature, waitSeconds: wait) {
        case .document(let document, let cache):
            return serve(document, cache: cache.rawValue, mature, request)
        case .notFound:
            throw APIError(status: .notFound, message: "AniDB has no anime \(aid).")
        case .queueFull:
            throw APIError(
                status: .serviceUnavailable,
                message: "The fetch queue is full. Try again later.",
                headers: [.retryAfter: "3600"]
            )
        case .queued(let estimate):
            return try queued(aid, estimate)
        }
    }

    private func serve(_ document: ServedBuffer, cache: String, _ mature: Bool, _ request: Request) -> Response {
        let ageDays = max(0, Int((mirror.now() - document.fetchedAt) / 86_400))
        var headers: HTTPFields = [
            .contentType: "application/xml",
            .xCache: cache,
            .xAgeDays: String(ageDays),
            .xMatureFilter: mature ? "disabled" : "enabled",
        ]
        return ConditionalGet.respond(
            to: request,
            body: { document.body },
            etag: document.etag,
            lastModified: document.fetchedAt,
            headers: &headers
        )
    }

    /// 202 for an aid being fetched: where it stands and an honest guess at when it will be there.
    func queued(_ aid: Int, _ estimate: QueueEstimate) throws -> Response {
        let retryAfter = mirror.fetcher.retryAfter(estimate)
        var body: [String: any Sendable] = [
            "detail": estimate.holdUp.map { "AID \(aid) is queued for fetching, but \($0)." }
                ?? "AID \(aid) queued for fetching. Check back in \(retryAfter) seconds.",
            "aid": aid,
            "status": "queued",
            "queue_position": estimate.position,
            "queue_size": estimate.queueSize,
            "retry_after": retryAfter,
            "estimated_fetch_at": estimate.fetchAt.map { ISOTime.format($0) } ?? NSNull(),
        ]
        if let holdUp = estimate.holdUp { body["held_up_by"] = holdUp }
        return try JSONResponse.make(status: .accepted, headers: [.retryAfter: String(retryAfter)], body)
    }

    func tag(_ request: Request, _ context: Context) async throws -> Response {
        let tagID = try RequestParsing.tagID(context.parameters.get("tag_id"))
        let query = request.uri.queryParameters
        let limit = try RequestParsing.positiveInt(query.get("limit"), name: "limit", default: 100, range: 1...1000)
        let mature = try RequestParsing.bool(query.get("mature"), name: "mature")
        return JSONResponse.make(json: try await mirror.store.anime(withTag: tagID, limit: limit, mature: mature).json)
    }

    func searchTags(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard let tags = query.get("tags") else { throw APIError.badRequest("tags is required.") }
        let names = tags.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        guard !names.isEmpty, names.count <= 50 else { throw APIError.badRequest("tags must list 1 to 50 tag names.") }
        let minWeight = try RequestParsing.positiveInt(
            query.get("min_weight"),
            name: "min_weight",
            default: 200,
            range: 0...1000
        )
        let mature = try RequestParsing.bool(query.get("mature"), name: "mature")
        return JSONResponse.make(json: try await mirror.store.searchTags(names, minWeight: minWeight, mature: mature).json)
    }

    func stats() async throws -> Response {
        let upstream = try await mirror.fetcher.snapshot()
        func time(_ value: Double?) -> any Sendable { value.map { ISOTime.format($0) } ?? NSNull() }
        // `status` is the service's (AniDB-Service's field); `upstream_status` says whether AniDB is being asked.
        let upstreamStatus =
            !upstream.enabled
            ? "off" : upstream.clientError != nil ? "stopped" : upstream.bannedUntil != nil ? "banned" : "online"
        var body: [String: any Sendable] = [
            "status": "online",
            "upstream_status": upstreamStatus,
            "cached_anime": upstream.cachedAnime,
            "api_calls_last_24h": upstream.requestsLast24h,
            "queue_size": upstream.queueSize,
            "daily_limit": upstream.dailyLimit,
            "requests_left_24h": upstream.requestsLeft24h,
            "next_request_at": time(upstream.nextRequestAt),
            "rate_limit_until": time(upstream.bannedUntil),
            "banned": upstream.bannedUntil != nil,
            "banned_until": time(upstream.bannedUntil),
            "ban_reason": upstream.banReason ?? NSNull(),
            "client_error": upstream.clientError ?? NSNull(),
            "last_upstream_error": upstream.lastError ?? NSNull(),
            "last_upstream_error_at": time(upstream.lastErrorAt),
            "titles_dump_fetched_at": time(upstream.titlesFetchedAt),
            "titles_dump_anime": upstream.titlesDumpAnime,
            "restricted_anime": upstream.restrictedAnime,
        ]
        // In a cluster: which instance answered, and whether it is the one that fetches.
        if let cluster = mirror.fetcher.ledger as? PostgresLedger {
            body["cluster_instance"] = cluster.instance
            body["cluster_role"] = !mirror.fetcher.isFetching ? "off" : cluster.isFetcher ? "fetcher" : "standby"
        }
        return try JSONResponse.make(body)
    }
}

extension HTTPField.Name {
    static let xCache = Self("X-Cache")!
    static let xAgeDays = Self("X-Age-Days")!
    static let xMatureFilter = Self("X-Mature-Filter")!
}
