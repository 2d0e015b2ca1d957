import Foundation
import HTTPTypes
import Hummingbird
import Mirror
import Numbering

/// An anime as `/api/anime/{aid}` gives it: the stored record, and its ids elsewhere from the community mapping.
struct AnimeWithIDs: Encodable {
    var record: AnimeRecord
    var ids: ExternalIDs?

    enum Key: String, CodingKey { case ids }

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(ids, forKey: .ids)
    }
}

/// The native JSON API under `/api/`: the shredded anime, its franchise graph, title search, tags, counts.
struct NativeAPIRoutes<Context: CallerRequestContext> {
    let mirror: MirrorRouteContext
    /// For a signed-in user who hides 18+ titles, search leaves them out (as `mature=false`, and restricted ones too).
    let restricted: RestrictedFilter

    func register(on router: Router<Context>) {
        let api = router.group("api")
        api.get("anime/:aid") { _, context in
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            guard let record = try await mirror.store.animeRecord(aid: aid) else { throw notInMirror(aid) }
            let ids = try await mirror.mappingFiles?.mapping().externalIDs(of: aid)
            return try JSONResponse.make(AnimeWithIDs(record: record, ids: ids))
        }
        api.get("anime/:aid/franchise") { request, context in
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            let maxNodes = try RequestParsing.positiveInt(
                request.uri.queryParameters.get("max_nodes"),
                name: "max_nodes",
                default: 1_000,
                range: 1...10_000
            )
            guard let franchise = try await mirror.store.franchise(aid: aid, maxNodes: maxNodes) else { throw notInMirror(aid) }
            return try JSONResponse.make(franchise)
        }
        api.get("search") { request, context in
            let query = request.uri.queryParameters
            guard let text = query.get("q"), !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw APIError.badRequest("q is required.")
            }
            guard text.count <= 200 else { throw APIError.badRequest("q must be at most 200 characters.") }
            let limit = try RequestParsing.positiveInt(query.get("limit"), name: "limit", default: 20, range: 1...200)
            var mature = try RequestParsing.bool(query.get("mature"), name: "mature")
            let (hides, hidden) = try await restricted.view(for: context.caller?.userId)
            if hides { mature = false }
            // Searching is what needs AniDB's titles dump (anime never fetched are found by it).
            try await mirror.fetcher.needTitles()
            let results = try await mirror.store.searchTitles(text, limit: limit, mature: mature).filter { !hidden.contains($0.aid) }
            return try JSONResponse.make(SearchResponse(query: text, mature: mature, results: results))
        }
        api.get("tags/:tag_id") { request, context in
            let tagID = try RequestParsing.tagID(context.parameters.get("tag_id"))
            let query = request.uri.queryParameters
            let limit = try RequestParsing.positiveInt(
                query.get("limit"),
                name: "limit",
                default: 100,
                range: 1...1000
            )
            let mature = try RequestParsing.bool(query.get("mature"), name: "mature")
            let listing = try await mirror.store.anime(withTag: tagID, limit: limit, mature: mature)
            guard listing.tagName != nil else { throw APIError.notFound("No anime carries tag \(tagID).") }
            return try JSONResponse.make(listing)
        }
        api.get("stats") { _, _ in try JSONResponse.make(try await mirror.store.counts()) }
    }

    private func notInMirror(_ aid: Int) -> APIError {
        .notFound("Anime \(aid) is not in the mirror.")
    }

    struct SearchResponse: Encodable {
        var query: String
        var mature: Bool
        var results: [TitleMatch]
    }
}
