/// Which numbering a file or a lookup speaks.
public enum ForeignNumbering: String, Sendable, Codable, CaseIterable {
    case tvdb
    case tmdb

    public var label: String { self == .tvdb ? "TVDB" : "TMDB" }
}

/// Where an anime's place on TheTVDB or TMDB came from.
public enum MappingSource: String, Sendable, Codable {
    /// Anime-Lists' `anime-list-master.xml`.
    case animeLists = "anime-lists"
    /// Kometa's `anime_ids.json`.
    case animeIDs = "anime_ids"
    /// An admin's correction.
    case correction
}

/// An AniDB anime and episode found through the mapping.
public struct MappedEpisode: Sendable, Equatable, Codable {
    public var aid: Int
    /// AniDB's episode number: `13`, `S1`, `C1`, `T1`, `O1`.
    public var episode: String
    public var source: MappingSource
    /// How the mapping placed it: `an episode mapping`, `a range mapping`, `the default season and offset 12`,
    /// `absolute numbering`.
    public var rule: String
    /// Other anime the mapping places at the very same episode (two entries with one season and offset): the
    /// mapping cannot tell them apart, so a person should.
    public var alternatives: [Int]

    public init(aid: Int, episode: String, source: MappingSource, rule: String, alternatives: [Int] = []) {
        self.aid = aid
        self.episode = episode
        self.source = source
        self.rule = rule
        self.alternatives = alternatives
    }

    /// AniDB's number for episode `number` of AniDB season `season` as the lists write it: specials 1–100, credits
    /// 101+, trailers 201+, parodies 301+, others 401+.
    static func anidbEpisode(season: Int, number: Int) -> String {
        guard season == 0 else { return String(number) }
        switch number {
        case ...100: return "S\(number)"
        case 101...200: return "C\(number - 100)"
        case 201...300: return "T\(number - 200)"
        case 301...400: return "P\(number - 300)"
        default: return "O\(number - 400)"
        }
    }
}
