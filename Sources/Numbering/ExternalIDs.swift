/// An anime's ids elsewhere, as the API gives them (`/api/anime/{aid}`, `/api/series/{aid}`, `/api/lookup`).
public struct ExternalIDs: Sendable, Equatable, Codable {
    public var tvdb: Place?
    public var tmdb: Place?
    public var tmdbMovies: [Int]
    public var imdb: [String]
    public var mal: [Int]
    public var anilist: [Int]
    /// The TVDB or TMDB place was corrected by an admin.
    public var corrected: Bool

    /// A series, the season holding the anime (nil: absolute numbering, the files' `a`) and the offset.
    public struct Place: Sendable, Equatable, Codable {
        public var id: Int
        public var season: Int?
        public var absolute: Bool
        public var offset: Int
        public var source: MappingSource
    }

    enum CodingKeys: String, CodingKey {
        case tvdb, tmdb, imdb, mal, anilist, corrected
        case tmdbMovies = "tmdb_movies"
    }
}

extension CommunityMapping {
    /// What the mapping knows of `aid`; nil when neither file nor a correction mentions it.
    public func externalIDs(of aid: Int) -> ExternalIDs? {
        let entry = entries[aid]
        let known = ids[aid]
        guard entry != nil || known != nil else { return nil }
        func place(_ id: Int?, _ season: AnimeListEntry.Season?, _ offset: Int, _ source: MappingSource?) -> ExternalIDs.Place? {
            guard let id else { return nil }
            var number: Int?
            if case .number(let value) = season { number = value }
            return .init(id: id, season: number, absolute: season == .absolute, offset: offset, source: source ?? .animeLists)
        }
        return ExternalIDs(
            tvdb: place(entry?.tvdb.id, entry?.tvdbSeason, entry?.tvdbOffset ?? 0, tvdbSource[aid]),
            tmdb: place(entry?.tmdbTV, entry?.tmdbSeason, entry?.tmdbOffset ?? 0, tmdbSource[aid]),
            tmdbMovies: entry?.tmdbMovies ?? [],
            imdb: entry?.imdb ?? [],
            mal: known?.mal ?? [],
            anilist: known?.anilist ?? [],
            corrected: corrections[aid] != nil
        )
    }
}
