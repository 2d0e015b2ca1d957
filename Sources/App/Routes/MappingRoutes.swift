import Foundation
import HTTPTypes
import Hummingbird
import Library
import Mirror
import Numbering

/// The community mapping over HTTP: `GET /api/lookup` from TVDB, TMDB, IMDb, MAL or AniList ids to AniDB's anime
/// and episode; `GET /api/kometa/anime_ids.json` in Kometa's shape; an anime's ids and an admin's correction under
/// `/api/anime/{aid}/mapping`.
struct MappingRoutes<Context: RequestContext> {
    let files: MappingFiles
    let matching: LibraryMatching
    let matches: LibraryMatchService
    let clock: any MirrorClock

    /// `PUT /api/anime/{aid}/mapping`: the fields to correct (the others keep what the files say).
    struct Correction: Decodable {
        var tvdbID: Int?
        var tvdbSeason: Int?
        var tvdbOffset: Int?
        var tmdbTV: Int?
        var tmdbSeason: Int?
        var tmdbOffset: Int?

        enum CodingKeys: String, CodingKey {
            case tvdbID = "tvdb_id"
            case tvdbSeason = "tvdb_season"
            case tvdbOffset = "tvdb_offset"
            case tmdbTV = "tmdb_tv"
            case tmdbSeason = "tmdb_season"
            case tmdbOffset = "tmdb_offset"
        }
    }

    struct Found: Encodable {
        var aid: Int
        var title: String?
        var episode: String?
        var source: String?
        var rule: String?
        var ids: ExternalIDs?
    }

    func register(on router: Router<Context>) {
        let api = router.group("api")
        api.get("lookup") { request, _ in
            let parameters = request.uri.queryParameters
            let found = try await lookup { parameters.get($0) }
            guard !found.results.isEmpty else { throw APIError.notFound("\(found.asked) is not in the mapping.") }
            return try JSONResponse.make(LookupAnswer(query: found.asked, results: found.results))
        }
        api.get("kometa/anime_ids.json") { _, _ in
            guard let bytes = try await files.kometaExport() else {
                throw APIError(status: .serviceUnavailable, message: "The mirror holds no mapping yet.")
            }
            return JSONResponse.make(json: bytes)
        }
        api.get("anime/:aid/mapping") { _, context in
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            return try JSONResponse.make(try await mappingOf(aid))
        }
        api.put("anime/:aid/mapping") { request, context in
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            let body: Correction = try await RequestParsing.json(
                request,
                #"Send {"tvdb_id", "tvdb_season" (-1: absolute), "tvdb_offset", "tmdb_tv", "tmdb_season", "tmdb_offset"}; leave out what stays."#
            )
            let correction = MappingCorrection(
                aid: aid,
                tvdbID: body.tvdbID,
                tvdbSeason: body.tvdbSeason,
                tvdbOffset: body.tvdbOffset,
                tmdbTV: body.tmdbTV,
                tmdbSeason: body.tmdbSeason,
                tmdbOffset: body.tmdbOffset
            )
            if let problem = correction.problem { throw APIError(status: .unprocessableContent, message: problem) }
            try await files.correct(correction, now: clock.now())
            let job = matches.start()
            return try JSONResponse.make(MappingAnswer(mapping: try await mappingOf(aid), job: job.id))
        }
        api.delete("anime/:aid/mapping") { _, context in
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            guard try await files.removeCorrection(aid: aid, now: clock.now()) else {
                throw APIError.notFound("Anime \(aid) has no correction.")
            }
            let job = matches.start()
            return try JSONResponse.make(MappingAnswer(mapping: try await mappingOf(aid), job: job.id))
        }
    }

    struct LookupAnswer: Encodable {
        var query: String
        var results: [Found]
    }

    struct MappingAnswer: Encodable {
        var mapping: AnimeMapping
        var job: String
    }

    /// An anime's ids and the correction an admin made, if any.
    struct AnimeMapping: Encodable {
        var aid: Int
        var ids: ExternalIDs?
        var correction: MappingCorrection?
        /// The list's `<before>`: `[special, regular episode it airs before]`.
        var specialsBefore: [[Int]]
    }

    func mappingOf(_ aid: Int) async throws -> AnimeMapping {
        let mapping = try await files.mapping()
        return AnimeMapping(
            aid: aid,
            ids: mapping.externalIDs(of: aid),
            correction: mapping.corrections[aid],
            specialsBefore: (mapping.entries[aid]?.before ?? []).compactMap { pair in pair.targets.first.map { [pair.anidb, $0] } }
        )
    }

    /// `tvdb=N&season=S&episode=E`, `tvdb=N&episode=A` (absolute), `tvdb=N` (every anime of the series); the same
    /// with `tmdb=` (a TV series, or a movie when no series has the id); `imdb=tt…`; `mal=N`; `anilist=N`.
    func lookup(_ value: (String) -> String?) async throws -> (asked: String, results: [Found]) {
        let mapping = try await files.mapping()
        let catalog = try await matching.matcher().catalog
        func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw APIError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
            }
            return value
        }
        func found(_ aid: Int, episode: String? = nil, source: MappingSource? = nil, rule: String? = nil) -> Found {
            Found(aid: aid, title: catalog.title(of: aid), episode: episode, source: source?.rawValue, rule: rule, ids: mapping.externalIDs(of: aid))
        }
        let season = try number("season", 0...1000)
        let episode = try number("episode", 0...100_000)
        for numbering in ForeignNumbering.allCases {
            guard let id = try number(numbering.rawValue, 1...99_999_999) else { continue }
            let label = "\(numbering.label) \(id)"
            if let episode {
                let counts: (Int) -> Int? = { catalog.anime[$0]?.episodeCount }
                let hit =
                    season.map { mapping.episode(in: numbering, series: id, season: $0, episode: episode, episodeCount: counts) }
                    ?? mapping.absoluteEpisode(in: numbering, series: id, number: episode)
                let asked = label + (season.map { String(format: " S%02dE%02d", $0, episode) } ?? " episode \(episode)")
                return (asked, hit.map { [found($0.aid, episode: $0.episode, source: $0.source, rule: $0.rule)] } ?? [])
            }
            guard season == nil else { throw APIError.badRequest("season needs episode.") }
            var aids = mapping.anime(in: numbering, series: id)
            if numbering == .tmdb, aids.isEmpty { aids = mapping.anime(tmdbMovie: id).map(\.aid) }
            return (label, aids.map { found($0) })
        }
        if let imdb = value("imdb") {
            guard IMDbID.isValid(imdb) else { throw APIError.badRequest("imdb must be tt and 7 to 10 digits.") }
            return ("IMDb \(imdb)", mapping.anime(imdb: imdb).map { found($0.aid, episode: $0.of > 1 ? String($0.part + 1) : nil) })
        }
        if let mal = try number("mal", 1...99_999_999) { return ("MAL \(mal)", mapping.anime(mal: mal).map { found($0) }) }
        if let anilist = try number("anilist", 1...99_999_999) {
            return ("AniList \(anilist)", mapping.anime(anilist: anilist).map { found($0) })
        }
        throw APIError.badRequest(
            "Ask with tvdb=, tmdb= (with season= and episode=, or episode= alone for absolute numbering), imdb=, mal= or anilist=."
        )
    }
}
