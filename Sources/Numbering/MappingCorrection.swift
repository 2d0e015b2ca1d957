/// An admin's correction of one anime's place on TheTVDB or TMDB. It is kept apart from the downloaded files, so it
/// survives every download, and it wins over both files. A field left nil keeps what the files say.
public struct MappingCorrection: Sendable, Equatable, Codable {
    public var aid: Int
    public var tvdbID: Int?
    /// A season number, or -1 for absolute numbering (the files' `a`).
    public var tvdbSeason: Int?
    public var tvdbOffset: Int?
    public var tmdbTV: Int?
    public var tmdbSeason: Int?
    public var tmdbOffset: Int?

    public init(
        aid: Int,
        tvdbID: Int? = nil,
        tvdbSeason: Int? = nil,
        tvdbOffset: Int? = nil,
        tmdbTV: Int? = nil,
        tmdbSeason: Int? = nil,
        tmdbOffset: Int? = nil
    ) {
        self.aid = aid
        self.tvdbID = tvdbID
        self.tvdbSeason = tvdbSeason
        self.tvdbOffset = tvdbOffset
        self.tmdbTV = tmdbTV
        self.tmdbSeason = tmdbSeason
        self.tmdbOffset = tmdbOffset
    }

    /// Why the correction cannot be kept, or nil when every value is in range.
    public var problem: String? {
        for (name, id) in [("tvdb_id", tvdbID), ("tmdb_tv", tmdbTV)] {
            if let id, id <= 0 || id >= MappingLimits.maxID { return "\(name) \(id) is not an id" }
        }
        for (name, season) in [("tvdb_season", tvdbSeason), ("tmdb_season", tmdbSeason)] {
            if let season, season < -1 || season > MappingLimits.maxSeason {
                return "\(name) \(season) is not a season (0–\(MappingLimits.maxSeason), or -1 for absolute numbering)"
            }
        }
        for (name, offset) in [("tvdb_offset", tvdbOffset), ("tmdb_offset", tmdbOffset)] {
            if let offset, abs(offset) > MappingLimits.maxOffset { return "\(name) \(offset) is not within ±\(MappingLimits.maxOffset)" }
        }
        if tvdbID == nil, tvdbSeason == nil, tvdbOffset == nil, tmdbTV == nil, tmdbSeason == nil, tmdbOffset == nil {
            return "the correction changes nothing"
        }
        return nil
    }

    var correctsTVDB: Bool { tvdbID != nil || tvdbSeason != nil || tvdbOffset != nil }
    var correctsTMDB: Bool { tmdbTV != nil || tmdbSeason != nil || tmdbOffset != nil }

    static func season(_ value: Int) -> AnimeListEntry.Season { value < 0 ? .absolute : .number(value) }
}
