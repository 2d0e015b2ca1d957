/// One `<anime>` of Anime-Lists' `anime-list-master.xml`: where an AniDB anime sits on TheTVDB and TMDB.
///
/// AniDB gives every cour its own anime numbered from 1; TheTVDB and TMDB give one series seasons. The entry says
/// which series and season holds this anime and how its episodes are numbered there; `mappings` handle what a
/// single offset cannot (specials placed among regular episodes, one episode split in two, ranges moved).
public struct AnimeListEntry: Sendable, Equatable {
    public var aid: Int
    public var name: String?
    /// `tvdbid`: a TVDB series, or the AniDB type word for titles TheTVDB will never list.
    public var tvdb: SeriesReference
    /// `defaulttvdbseason`: a season number, or absolute numbering across the series' seasons (`a`).
    public var tvdbSeason: Season?
    /// `episodeoffset`: added to an AniDB regular episode number to get the TVDB episode in `tvdbSeason`.
    public var tvdbOffset: Int
    public var tmdbTV: Int?
    public var tmdbSeason: Season?
    public var tmdbOffset: Int
    /// `tmdbid`: TMDB movies (a comma-separated list in the file).
    public var tmdbMovies: [Int]
    /// `imdbid`: IMDb titles, `tt…`.
    public var imdb: [String]
    public var mappings: [EpisodeMappingList]
    /// `<before>`: AniDB special `anidb` airs before regular episode `targets[0]` (where TVDB lists it among the
    /// regular episodes). Order only; it places no file.
    public var before: [EpisodeMappingList.Pair] = []

    public init(
        aid: Int,
        name: String? = nil,
        tvdb: SeriesReference = .none,
        tvdbSeason: Season? = nil,
        tvdbOffset: Int = 0,
        tmdbTV: Int? = nil,
        tmdbSeason: Season? = nil,
        tmdbOffset: Int = 0,
        tmdbMovies: [Int] = [],
        imdb: [String] = [],
        mappings: [EpisodeMappingList] = []
    ) {
        self.aid = aid
        self.name = name
        self.tvdb = tvdb
        self.tvdbSeason = tvdbSeason
        self.tvdbOffset = tvdbOffset
        self.tmdbTV = tmdbTV
        self.tmdbSeason = tmdbSeason
        self.tmdbOffset = tmdbOffset
        self.tmdbMovies = tmdbMovies
        self.imdb = imdb
        self.mappings = mappings
    }

    public enum SeriesReference: Sendable, Equatable {
        case none
        case series(Int)
        /// `movie`, `OVA`, `hentai`, `music video`, `tv special`, `web`, `other`, `unknown`: not on TheTVDB.
        case kind(String)

        public var id: Int? {
            if case .series(let id) = self { return id }
            return nil
        }
    }

    public enum Season: Sendable, Equatable, CustomStringConvertible {
        case number(Int)
        /// `a`: the series' absolute episode numbers are AniDB's (plus the offset).
        case absolute

        public var description: String {
            switch self {
            case .number(let number): String(number)
            case .absolute: "a"
            }
        }
    }
}

/// One `<mapping>` of an entry's `mapping-list`.
public struct EpisodeMappingList: Sendable, Equatable {
    /// Which numbering the list maps AniDB's episodes to.
    public enum Target: Sendable, Equatable {
        case tvdb
        case tmdb
    }

    /// 1: AniDB's regular episodes; 0: its specials, credits (101+), trailers (201+), parodies (301+) and others (401+).
    public var anidbSeason: Int
    /// The seasons it maps to: `tvdbseason` and, on the same element, `tmdbseason`.
    public var seasons: [Target: Int]
    public var start: Int?
    public var end: Int?
    public var offset: Int?
    /// `;1-5;2-6;3-7+8;4-0;`: AniDB episode → target episodes (empty for `-0`: not on the target).
    public var pairs: [Pair]

    public struct Pair: Sendable, Equatable {
        public var anidb: Int
        public var targets: [Int]

        public init(anidb: Int, targets: [Int]) {
            self.anidb = anidb
            self.targets = targets
        }
    }

    public init(anidbSeason: Int, seasons: [Target: Int], start: Int? = nil, end: Int? = nil, offset: Int? = nil, pairs: [Pair] = []) {
        self.anidbSeason = anidbSeason
        self.seasons = seasons
        self.start = start
        self.end = end
        self.offset = offset
        self.pairs = pairs
    }

    /// True when the list's range (start…end with its offset) covers AniDB episode `number`.
    func rangeCovers(_ number: Int) -> Bool {
        guard start != nil || end != nil || offset != nil else { return false }
        return number >= (start ?? 1) && number <= (end ?? Int.max)
    }
}

/// One anime's ids in Kometa's `anime_ids.json`.
public struct AnimeIDs: Sendable, Equatable {
    public var aid: Int
    public var tvdbID: Int?
    /// `tvdb_season`; -1 in the file for absolute numbering.
    public var tvdbSeason: Int?
    public var tvdbOffset: Int
    public var tmdbShows: [Int]
    public var tmdbMovies: [Int]
    public var imdb: [String]
    public var mal: [Int]
    public var anilist: [Int]

    public init(
        aid: Int,
        tvdbID: Int? = nil,
        tvdbSeason: Int? = nil,
        tvdbOffset: Int = 0,
        tmdbShows: [Int] = [],
        tmdbMovies: [Int] = [],
        imdb: [String] = [],
        mal: [Int] = [],
        anilist: [Int] = []
    ) {
        self.aid = aid
        self.tvdbID = tvdbID
        self.tvdbSeason = tvdbSeason
        self.tvdbOffset = tvdbOffset
        self.tmdbShows = tmdbShows
        self.tmdbMovies = tmdbMovies
        self.imdb = imdb
        self.mal = mal
        self.anilist = anilist
    }
}
