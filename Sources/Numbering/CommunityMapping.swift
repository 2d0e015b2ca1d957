/// Both community files and the admin's corrections as one index: where each AniDB anime sits on TheTVDB, TMDB and
/// IMDb, its MyAnimeList and AniList ids, and the way back from a TVDB or TMDB season and episode to AniDB.
///
/// Anime-Lists' list is the authority for TVDB and TMDB numbering (it has per-episode mappings); Kometa's ids fill
/// what the list lacks and carry the MAL and AniList ids. A correction wins over both.
public struct CommunityMapping: Sendable {
    /// Every anime either file or a correction mentions, merged, by aid.
    public let entries: [Int: AnimeListEntry]
    public let ids: [Int: AnimeIDs]
    /// Where each entry's TVDB and TMDB place came from.
    public let tvdbSource: [Int: MappingSource]
    public let tmdbSource: [Int: MappingSource]
    public let corrections: [Int: MappingCorrection]
    let byTVDB: [Int: [Int]]
    let byTMDBTV: [Int: [Int]]
    let byTMDBMovie: [Int: [Int]]
    let byIMDb: [String: [Int]]
    let byMAL: [Int: [Int]]
    let byAniList: [Int: [Int]]

    public static let empty = CommunityMapping(list: [], ids: [], corrections: [])

    public init(list: [AnimeListEntry], ids: [AnimeIDs], corrections: [MappingCorrection]) {
        var entries: [Int: AnimeListEntry] = [:]
        var tvdbSource: [Int: MappingSource] = [:]
        var tmdbSource: [Int: MappingSource] = [:]
        for entry in list {
            entries[entry.aid] = entry
            if entry.tvdb.id != nil { tvdbSource[entry.aid] = .animeLists }
            if entry.tmdbTV != nil || !entry.tmdbMovies.isEmpty { tmdbSource[entry.aid] = .animeLists }
        }
        var idsByAid: [Int: AnimeIDs] = [:]
        for known in ids {
            idsByAid[known.aid] = known
            var entry = entries[known.aid] ?? AnimeListEntry(aid: known.aid)
            if entry.tvdb.id == nil, let tvdb = known.tvdbID {
                entry.tvdb = .series(tvdb)
                entry.tvdbSeason = known.tvdbSeason.map { $0 < 0 ? .absolute : .number($0) }
                entry.tvdbOffset = known.tvdbOffset
                entry.mappings.removeAll { $0.seasons[.tvdb] != nil }
                tvdbSource[known.aid] = .animeIDs
            }
            if entry.tmdbTV == nil, let show = known.tmdbShows.first {
                entry.tmdbTV = show
                tmdbSource[known.aid] = .animeIDs
            }
            if entry.tmdbMovies.isEmpty, !known.tmdbMovies.isEmpty {
                entry.tmdbMovies = known.tmdbMovies
                tmdbSource[known.aid] = tmdbSource[known.aid] ?? .animeIDs
            }
            if entry.imdb.isEmpty { entry.imdb = known.imdb }
            entries[known.aid] = entry
        }
        var correctionsByAid: [Int: MappingCorrection] = [:]
        for correction in corrections where correction.problem == nil {
            correctionsByAid[correction.aid] = correction
            var entry = entries[correction.aid] ?? AnimeListEntry(aid: correction.aid)
            if correction.correctsTVDB {
                if let id = correction.tvdbID { entry.tvdb = .series(id) }
                if let season = correction.tvdbSeason { entry.tvdbSeason = MappingCorrection.season(season) }
                if let offset = correction.tvdbOffset { entry.tvdbOffset = offset }
                // The lists' per-episode mappings describe the place the correction replaces.
                entry.mappings = entry.mappings.compactMap { list in
                    var list = list
                    list.seasons[.tvdb] = nil
                    return list.seasons.isEmpty ? nil : list
                }
                tvdbSource[correction.aid] = .correction
            }
            if correction.correctsTMDB {
                if let id = correction.tmdbTV { entry.tmdbTV = id }
                if let season = correction.tmdbSeason { entry.tmdbSeason = MappingCorrection.season(season) }
                if let offset = correction.tmdbOffset { entry.tmdbOffset = offset }
                entry.mappings = entry.mappings.compactMap { list in
                    var list = list
                    list.seasons[.tmdb] = nil
                    return list.seasons.isEmpty ? nil : list
                }
                tmdbSource[correction.aid] = .correction
            }
            entries[correction.aid] = entry
        }
        self.entries = entries
        self.ids = idsByAid
        self.tvdbSource = tvdbSource
        self.tmdbSource = tmdbSource
        self.corrections = correctionsByAid

        var byTVDB: [Int: [Int]] = [:]
        var byTMDBTV: [Int: [Int]] = [:]
        var byTMDBMovie: [Int: [Int]] = [:]
        var byIMDb: [String: [Int]] = [:]
        for entry in entries.values.sorted(by: { $0.aid < $1.aid }) {
            if let tvdb = entry.tvdb.id { byTVDB[tvdb, default: []].append(entry.aid) }
            if let tmdb = entry.tmdbTV { byTMDBTV[tmdb, default: []].append(entry.aid) }
            for movie in entry.tmdbMovies { byTMDBMovie[movie, default: []].append(entry.aid) }
            for imdb in entry.imdb { byIMDb[imdb, default: []].append(entry.aid) }
        }
        var byMAL: [Int: [Int]] = [:]
        var byAniList: [Int: [Int]] = [:]
        for known in ids.sorted(by: { $0.aid < $1.aid }) {
            for mal in known.mal { byMAL[mal, default: []].append(known.aid) }
            for anilist in known.anilist { byAniList[anilist, default: []].append(known.aid) }
        }
        self.byTVDB = byTVDB
        self.byTMDBTV = byTMDBTV
        self.byTMDBMovie = byTMDBMovie
        self.byIMDb = byIMDb
        self.byMAL = byMAL
        self.byAniList = byAniList
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// The anime a TVDB or TMDB series holds, by aid.
    public func anime(in numbering: ForeignNumbering, series: Int) -> [Int] {
        (numbering == .tvdb ? byTVDB : byTMDBTV)[series] ?? []
    }

    /// The series an anime belongs to in `numbering`.
    public func series(of aid: Int, in numbering: ForeignNumbering) -> Int? {
        guard let entry = entries[aid] else { return nil }
        return numbering == .tvdb ? entry.tvdb.id : entry.tmdbTV
    }

    /// Movies: the anime with TMDB movie `id`, and which of the entry's movies it is (0-based).
    public func anime(tmdbMovie id: Int) -> [(aid: Int, part: Int, of: Int)] {
        (byTMDBMovie[id] ?? []).compactMap { aid in
            guard let movies = entries[aid]?.tmdbMovies, let part = movies.firstIndex(of: id) else { return nil }
            return (aid, part, movies.count)
        }
    }

    public func anime(imdb id: String) -> [(aid: Int, part: Int, of: Int)] {
        (byIMDb[id] ?? []).compactMap { aid in
            guard let list = entries[aid]?.imdb, let part = list.firstIndex(of: id) else { return nil }
            return (aid, part, list.count)
        }
    }

    public func anime(mal id: Int) -> [Int] { byMAL[id] ?? [] }
    public func anime(anilist id: Int) -> [Int] { byAniList[id] ?? [] }

    func source(_ aid: Int, _ numbering: ForeignNumbering) -> MappingSource {
        (numbering == .tvdb ? tvdbSource[aid] : tmdbSource[aid]) ?? .animeLists
    }
}
