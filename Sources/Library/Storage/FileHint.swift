import Foundation

/// What Sonarr or Radarr said a file is when it imported it: the series (TVDB) or movie (TMDB, IMDb) and, for an
/// episode file, its season and episode numbers in that series' numbering. The matcher takes it over the file's
/// name, through the community mapping.
public struct FileHint: Sendable, Codable, Equatable {
    /// `sonarr` or `radarr`.
    public var source: String
    public var tvdb: Int?
    public var tmdb: Int?
    public var imdb: String?
    public var season: Int?
    /// Several for a multi-episode file (`S01E01-E02`); the first places it.
    public var episodes: [Int]

    public init(source: String, tvdb: Int? = nil, tmdb: Int? = nil, imdb: String? = nil, season: Int? = nil, episodes: [Int] = []) {
        self.source = source
        self.tvdb = tvdb
        self.tmdb = tmdb
        self.imdb = imdb
        self.season = season
        self.episodes = episodes
    }

    init?(json: String) {
        guard let hint = try? JSONDecoder().decode(Self.self, from: Data(json.utf8)) else { return nil }
        self = hint
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The ids as the tags in a name would give them.
    var tags: ProviderTags { ProviderTags(tvdb: tvdb, tmdb: tmdb, imdb: imdb) }
}
