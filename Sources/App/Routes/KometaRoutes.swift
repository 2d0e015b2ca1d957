import Foundation
import HTTPTypes
import Hummingbird
import Mirror

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
        let aid = try RequestParsing.aid(context.parameters.get("aid"), .kometa)
        let mature = try RequestParsing.bool(request.uri.queryParameters.get("mature"), name: "mature", .kometa)
        guard let document = try mirror.store.servedBuffer(aid: aid, mature: mature) else {
            return try await queued(aid)
        }
        let now = mirror.now()
        let ageDays = max(0, Int((now - document.fetchedAt) / 86_400))
        var headers: HTTPFields = [
            .contentType: "application/xml",
            .xCache: Double(ageDays) < mirror.staleAfterDays ? "HIT" : "STALE",
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

    /// 202 for an aid we have no document for: recorded (persistently, once) for the refresher to fetch.
    func queued(_ aid: Int) async throws -> Response {
        guard let position = try await mirror.store.recordWanted(aid: aid, now: mirror.now()) else {
            throw APIError(
                status: .serviceUnavailable,
                message: "The fetch queue is full. Try again later.",
                dialect: .kometa,
                headers: [.retryAfter: "3600"]
            )
        }
        return try JSONResponse.make(
            status: .accepted,
            headers: [.retryAfter: "60"],
            [
                "detail": "AID \(aid) queued for fetching. Check back in a few moments.",
                "aid": aid,
                "status": "queued",
                "queue_position": position.position,
                "queue_size": position.queueSize,
            ] as [String: any Sendable]
        )
    }

    func tag(_ request: Request, _ context: Context) async throws -> Response {
        let tagID = try RequestParsing.tagID(context.parameters.get("tag_id"), .kometa)
        let query = request.uri.queryParameters
        let limit = try RequestParsing.positiveInt(query.get("limit"), name: "limit", default: 100, range: 1...1000, .kometa)
        let mature = try RequestParsing.bool(query.get("mature"), name: "mature", .kometa)
        return try JSONResponse.make(try await mirror.store.anime(withTag: tagID, limit: limit, mature: mature))
    }

    func searchTags(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard let tags = query.get("tags") else { throw APIError.badRequest("tags is required.", .kometa) }
        let names = tags.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        guard !names.isEmpty, names.count <= 50 else { throw APIError.badRequest("tags must list 1 to 50 tag names.", .kometa) }
        let minWeight = try RequestParsing.positiveInt(
            query.get("min_weight"),
            name: "min_weight",
            default: 200,
            range: 0...1000,
            .kometa
        )
        let mature = try RequestParsing.bool(query.get("mature"), name: "mature", .kometa)
        return try JSONResponse.make(try await mirror.store.searchTags(names, minWeight: minWeight, mature: mature))
    }

    func stats() async throws -> Response {
        let counts = try await mirror.store.counts()
        return try JSONResponse.make(
            [
                "status": "online",
                "cached_anime": counts.anime,
                "api_calls_last_24h": 0,
                "queue_size": counts.wanted,
                "daily_limit": mirror.dailyLimit,
                "rate_limit_until": NSNull(),
                "restricted_anime": counts.restricted,
                "titles": counts.titles,
                "episodes": counts.episodes,
            ] as [String: any Sendable]
        )
    }
}

extension HTTPField.Name {
    static let xCache = Self("X-Cache")!
    static let xAgeDays = Self("X-Age-Days")!
    static let xMatureFilter = Self("X-Mature-Filter")!
}
